/** HTTP routes of login sessions: create, get, cancel, submit a step (`api.md` §4–§5). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CancelResponse, CreateSessionBody, SubmitStepBody } from '../schemas/login-session.ts';
import { PathID, errorResponses } from '../schemas/common.ts';
import { principalOf } from '../principal.ts';
import type { SessionService } from './service.ts';
import { tokenOf, type PerTokenCap } from '../http/per-token-caps.ts';

const SessionParams = Type.Object({ bridgeID: PathID, loginSessionID: PathID });
const StepParams = Type.Object({ bridgeID: PathID, loginSessionID: PathID, stepID: PathID });
const SECONDS = '^[0-9]{1,6}(\\.[0-9]{1,3})?$';

/** Send a session's prepared JSON as it is (it was serialized once, when it changed). */
export function sendJSON(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

/** How long a display_and_wait submit may wait, from `?wait=` and `X-Stainless-Timeout`. */
export function waitBudgetMs(maxMs: number, waitQuery?: string, stainlessTimeout?: string): number {
  let ms = maxMs;
  if (waitQuery !== undefined) ms = Math.min(ms, Number(waitQuery) * 1000);
  if (stainlessTimeout !== undefined) {
    // Answer before the client's own timeout fires, or it would retry a request we still hold.
    const t = Number(stainlessTimeout) * 1000;
    ms = Math.min(ms, Math.max(0, t - Math.min(1000, t / 2)));
  }
  return Math.max(0, Math.floor(ms));
}

export function sessionRoutes(app: FastifyInstance, sessions: SessionService, longPolls: PerTokenCap): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/bridges/:bridgeID/login-sessions',
    {
      schema: {
        operationId: 'createLoginSession',
        summary: 'Start a login session',
        description: 'Connect a new account (no loginID/accountID) or reconnect an existing login.',
        tags: ['Login sessions'],
        params: Type.Object({ bridgeID: PathID }),
        body: CreateSessionBody,
        response: { 200: Type.Ref('LoginSession'), ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
      },
      preValidation: async (request) => {
        // No body at all means "new account, default flow"; an explicit `null` is still invalid.
        if (request.body === undefined) request.body = {};
      },
    },
    async (request, reply) => sendJSON(reply, await sessions.create(principalOf(request), request.params.bridgeID, request.body)),
  );

  r.get(
    '/v1/bridges/:bridgeID/login-sessions/:loginSessionID',
    {
      schema: {
        operationId: 'getLoginSession',
        summary: 'Get a login session',
        description: 'Never blocks; always shows the current step (and the current QR code).',
        tags: ['Login sessions'],
        params: SessionParams,
        response: { 200: Type.Ref('LoginSession'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const json = sessions.readJSON(principalOf(request), request.params.bridgeID, request.params.loginSessionID);
      // A held session answers at once: no await on the hot path.
      return sendJSON(reply, typeof json === 'string' ? json : await json);
    },
  );

  r.delete(
    '/v1/bridges/:bridgeID/login-sessions/:loginSessionID',
    {
      schema: {
        operationId: 'cancelLoginSession',
        summary: 'Cancel a login session',
        tags: ['Login sessions'],
        params: SessionParams,
        response: { 200: CancelResponse, ...errorResponses(400, 401, 404, 410) },
      },
    },
    async (request) => sessions.cancel(principalOf(request), request.params.bridgeID, request.params.loginSessionID),
  );

  r.post(
    '/v1/bridges/:bridgeID/login-sessions/:loginSessionID/steps/:stepID',
    {
      schema: {
        operationId: 'submitLoginStep',
        summary: 'Submit the current step',
        description:
          'Answers a user_input or cookies step, or long-polls a display_and_wait step (at most 25 s; shorter with X-Stainless-Timeout or ?wait=).',
        tags: ['Login sessions'],
        params: StepParams,
        querystring: Type.Object({ wait: Type.Optional(Type.String({ pattern: SECONDS })) }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          'x-stainless-timeout': Type.Optional(Type.String({ pattern: SECONDS })),
        }),
        body: SubmitStepBody,
        response: { 200: Type.Ref('LoginSession'), ...errorResponses(400, 401, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { bridgeID, loginSessionID, stepID } = request.params;
      // Only a long-poll (display_and_wait) waits, so only it needs to hear that the client left.
      const abort = request.body.type === 'display_and_wait' ? new AbortController() : undefined;
      const release = abort ? longPolls.acquire(tokenOf(request)) : undefined;
      const onClose = abort && ((): void => abort.abort());
      if (onClose) reply.raw.once('close', onClose);
      try {
        const json = await sessions.submit(principalOf(request), bridgeID, loginSessionID, {
          stepID,
          type: request.body.type,
          ...(request.body.fields !== undefined ? { fields: request.body.fields } : {}),
          ...(request.headers['idempotency-key'] !== undefined ? { idempotencyKey: request.headers['idempotency-key'] } : {}),
          waitMs: waitBudgetMs(sessions.longPollMs, request.query.wait, request.headers['x-stainless-timeout']),
          signal: abort?.signal,
        });
        // The person was signed out while this waited: the 401 has been sent already.
        if (reply.sent) return reply;
        return sendJSON(reply, json);
      } finally {
        release?.();
        if (onClose) reply.raw.off('close', onClose);
      }
    },
  );
}
