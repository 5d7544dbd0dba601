/**
 * @module cli/client/commands/connect-json
 * `connect --json`: a whole login without a person. Prints every new state of the session as one
 * JSON line, takes field values from `--field` and from JSON objects on standard input, waits on
 * display steps until the session ends or `--timeout` passes, and exits with a code that says how
 * it ended.
 */
import type { CookieField, LoginInputField, LoginSession } from '../api-types.ts';
import { isFinished } from '../api-types.ts';
import type { ClientContext } from '../context.ts';
import { reportError } from '../context.ts';
import { ApiResponseError, InterruptedError, UsageError, isAbortError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { missingFields, pickFieldValues } from '../fields.ts';
import { JsonObjectStream } from '../json-input.ts';
import { cancelSession, sameState, SessionWaiter, submitStep } from './session-ops.ts';
import { createBody, watchCancellation, type ConnectOptions } from './connect-options.ts';

/** Exit code for a finished session. */
export function exitCodeFor(session: LoginSession): ExitCode {
  if (session.status === 'complete') return ExitCode.ok;
  if (session.status === 'failed') return ExitCode.failed;
  return ExitCode.cancelled;
}

export async function connectJson(ctx: ClientContext, options: ConnectOptions): Promise<number> {
  const { io, api } = ctx;
  const cancellation = watchCancellation(io, options.timeoutSeconds, () => io.exit(ExitCode.cancelled));
  const stdin = io.stdin.isTTY ? undefined : new JsonObjectStream(io.stdin);
  const available: Record<string, string> = { ...options.fields };
  const waiter = new SessionWaiter(api, io.clock);
  let printed: LoginSession | undefined;
  const emit = (session: LoginSession) => {
    if (printed && sameState(printed, session)) return;
    printed = session;
    io.stdout.write(JSON.stringify(session) + '\n');
  };

  let session: LoginSession | undefined;
  try {
    session = await api.createLoginSession(options.bridgeID, createBody(options));
    emit(session);
    while (!isFinished(session)) {
      cancellation.signal.throwIfAborted();
      const step = session.currentStep;
      if (step?.type === 'user_input' || step?.type === 'cookies') {
        const values = await gatherValues(step.fields, available, stdin, cancellation.signal);
        try {
          session = await submitStep(api, session, { type: step.type, fields: values }, cancellation.signal);
        } catch (err) {
          if (!(err instanceof ApiResponseError && err.code === 'invalid_request')) throw err;
          // The session is unchanged: say why on standard error, drop the refused values and
          // look for new ones (on standard input, or give up with a usage error).
          reportError(io, err, ctx.connection);
          const refused = err.fieldIssues.map((i) => i.fieldID);
          forget(available, step.fields, refused.length > 0 ? refused : Object.keys(values));
          continue;
        }
        // A value is used once: a step asked again (a wrong code) needs a new one.
        forget(available, step.fields, Object.keys(values));
      } else {
        session = await waiter.next(session, cancellation.signal);
      }
      emit(session);
    }
    return exitCodeFor(session);
  } catch (err) {
    if (!session || isFinished(session)) throw err;
    // Leave nothing running on the server: whatever stopped us, cancel the session.
    const reason = isAbortError(err) ? cancellation.signal.reason : err;
    const final = await cancelSession(api, session);
    emit(final);
    if (reason instanceof InterruptedError && reason.reason === 'timeout') {
      io.stderr.write(`error: timed_out: the login did not finish within ${options.timeoutSeconds} s; the login session was cancelled\n`);
      return final.status === 'cancelled' ? ExitCode.cancelled : exitCodeFor(final);
    }
    if (reason instanceof InterruptedError) {
      io.stderr.write('The login session was cancelled.\n');
      return final.status === 'cancelled' ? ExitCode.cancelled : exitCodeFor(final);
    }
    throw reason;
  } finally {
    cancellation.dispose();
    stdin?.close();
  }
}

/** The values for a step's fields; reads JSON objects from standard input until they are all there. */
async function gatherValues(
  fields: (LoginInputField | CookieField)[],
  available: Record<string, string>,
  stdin: JsonObjectStream | undefined,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  for (;;) {
    const values = pickFieldValues(fields, available);
    const missing = missingFields(fields, values);
    if (missing.length === 0) return values;
    const more = await stdin?.next(signal);
    if (!more) {
      const flags = missing.map((id) => `--field ${id}=…`).join(' ');
      throw new UsageError('missing_field', `no value for ${missing.map((id) => `"${id}"`).join(', ')}: give ${flags}, or a JSON object on standard input`);
    }
    Object.assign(available, more);
  }
}

function forget(available: Record<string, string>, fields: (LoginInputField | CookieField)[], ids: string[]): void {
  for (const field of fields) {
    if (!ids.includes(field.id)) continue;
    delete available[field.id];
    if ('name' in field && field.name) delete available[field.name];
  }
}
