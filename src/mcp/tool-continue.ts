/**
 * `continue_login`: moves a login session on by one step. A `user_input` or `cookies` step is
 * answered by the person through the client's form (MCP elicitation), never by the model; a
 * `display_and_wait` step is waited on (the API's long-poll), at most `waitSeconds`, with
 * progress notifications, and ends early when the session changes (a refreshed QR included).
 */
import { z } from 'zod';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { ApiCallError, call, sessionPath, type ApiPort } from './api-port.ts';
import { answerFields, elicitationFor } from './elicit.ts';
import { sessionResult } from './render.ts';
import { guarded, sessionArgs, sessionOutput, toolError, type ToolContext } from './tool-kit.ts';
import { isFinished, stepKey, type LoginSession, type LoginStep } from './wire.ts';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type InputStep = Extract<LoginStep, { type: 'user_input' | 'cookies' }>;

/** The longest one long-poll of the API waits (`api.md` §5). */
const LONG_POLL_SECONDS = 25;
const DEFAULT_WAIT_SECONDS = 60;
/** How long the person may take to fill in the form. */
const ELICITATION_TIMEOUT_MS = 10 * 60_000;

const inputSchema = z.looseObject({
  ...sessionArgs,
  waitSeconds: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .describe(`On a QR, code or emoji step: how long to wait for the person (default ${DEFAULT_WAIT_SECONDS}). The call returns as soon as something changes.`),
});

/** Registers `continue_login`. */
export function registerContinueTool(ctx: ToolContext): void {
  ctx.server.registerTool(
    'continue_login',
    {
      title: 'Continue a login session',
      description:
        'Moves a login session on. If it waits for details (a password, a code, cookies), the server asks the person directly in a form of your client and you only learn that the step was answered: never ask the person for these values yourself. If it shows a QR code, pairing code or emoji, this waits (up to waitSeconds) until the person has used it, and returns the next step, or a refreshed QR code as a new image.',
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      inputSchema,
      outputSchema: sessionOutput,
    },
    (args, extra) => guarded(() => continueLogin(ctx, args, extra)),
  );
}

async function continueLogin(ctx: ToolContext, args: z.infer<typeof inputSchema>, extra: Extra): Promise<CallToolResult> {
  const path = sessionPath(args.bridgeID, args.loginSessionID);
  const session = await call<LoginSession>(ctx.port, { method: 'GET', path, signal: extra.signal });
  const step = session.currentStep;
  if (isFinished(session)) return sessionResult(session, 'This login session has already ended.');
  if (step?.type === 'display_and_wait') return waitOnDisplay(ctx.port, session, step.stepID, args.waitSeconds ?? DEFAULT_WAIT_SECONDS, extra);
  if (step?.type === 'user_input' || step?.type === 'cookies') {
    const given = args['fields'];
    // Values a client sent as arguments anyway: passed on once, kept nowhere, logged nowhere.
    if (given !== undefined) {
      if (!isStringRecord(given)) return toolError('"fields" must be an object of strings.');
      return sessionResult(await submit(ctx.port, path, step, given, extra), 'The step was answered.');
    }
    return answerByElicitation(ctx, session, step, extra);
  }
  return sessionResult(session);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function submit(port: ApiPort, path: string, step: InputStep, fields: Record<string, string>, extra: Extra): Promise<LoginSession> {
  return call<LoginSession>(port, { method: 'POST', path: `${path}/steps/${encodeURIComponent(step.stepID)}`, body: { type: step.type, fields }, signal: extra.signal });
}

async function answerByElicitation(ctx: ToolContext, session: LoginSession, step: InputStep, extra: Extra): Promise<CallToolResult> {
  const underlying = ctx.server.server;
  if (!underlying.getClientCapabilities()?.elicitation?.form) return toolError(noFormHint(ctx.port, session, step));
  const bridge = await call<{ displayName?: string }>(ctx.port, { method: 'GET', path: `/v1/bridges/${encodeURIComponent(session.bridgeID)}`, signal: extra.signal }).catch(
    () => ({ displayName: session.bridgeID }),
  );
  const answer = await underlying.elicitInput(elicitationFor(bridge.displayName ?? session.bridgeID, step), {
    relatedRequestId: extra.requestId,
    signal: extra.signal,
    timeout: ELICITATION_TIMEOUT_MS,
  });
  if (answer.action !== 'accept') {
    const what = answer.action === 'decline' ? 'declined to enter' : 'closed the form without entering';
    return sessionResult(session, `The person ${what} the details; the session still waits. Ask them whether to try again (continue_login) or stop (cancel_login).`);
  }
  const next = await submit(ctx.port, sessionPath(session.bridgeID, session.loginSessionID), step, answerFields(step, answer.content), extra);
  return sessionResult(next, 'The person answered the step in the form; the values went to the server only.');
}

/** The error for a client that cannot show a form: where the person can finish instead. */
function noFormHint(port: ApiPort, session: LoginSession, step: InputStep): string {
  const names = step.fields.map((f) => f.label ?? f.name ?? f.id).join(', ');
  return [
    `This step needs ${names} from the person, and these must go to the server without passing through the assistant; this client cannot show the server's form (MCP elicitation).`,
    'Do not ask the person for these values.',
    `Tell them to finish connecting in the web page at ${port.baseURL}/ (choose ${session.bridgeID} there) or in a terminal with: bridge-login connect ${session.bridgeID}`,
    `Then cancel this session with cancel_login (loginSessionID ${session.loginSessionID}).`,
  ].join(' ');
}

/** Long-polls a display step until the session changes or `waitSeconds` have been spent. */
async function waitOnDisplay(port: ApiPort, first: LoginSession, stepID: string, waitSeconds: number, extra: Extra): Promise<CallToolResult> {
  const path = sessionPath(first.bridgeID, first.loginSessionID);
  const progressToken = extra._meta?.progressToken;
  const startKey = stepKey(first);
  let session = first;
  let waited = 0;
  while (waited < waitSeconds && stepKey(session) === startKey && !extra.signal.aborted) {
    const chunk = Math.min(LONG_POLL_SECONDS, waitSeconds - waited);
    const polled = call<LoginSession>(port, { method: 'POST', path: `${path}/steps/${encodeURIComponent(stepID)}?wait=${chunk}`, body: { type: 'display_and_wait' }, signal: extra.signal });
    // Sent once the poll is on its way, so that what the person does after hearing it is caught.
    if (progressToken !== undefined) {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: waited, total: waitSeconds, message: `Waiting for the person (${waited} of ${waitSeconds} s)…` },
      });
    }
    try {
      session = await polled;
    } catch (err) {
      // The step moved on (a new QR with a new ID) or the session ended between two polls: read it.
      if (!(err instanceof ApiCallError) || (err.code !== 'step_mismatch' && err.code !== 'session_finished')) throw err;
      session = await call<LoginSession>(port, { method: 'GET', path, signal: extra.signal });
    }
    waited += chunk;
  }
  if (stepKey(session) === startKey) return sessionResult(session, `Still waiting after ${waited} s.`);
  const refreshed = session.currentStep?.type === 'display_and_wait' && first.currentStep?.type === 'display_and_wait';
  const lead = refreshed
    ? 'The code was refreshed: show the person this new one (the previous one no longer works).'
    : isFinished(session)
      ? 'The wait is over: the session has ended.'
      : 'The session moved on to its next step.';
  return sessionResult(session, lead);
}
