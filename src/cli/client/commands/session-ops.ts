/**
 * @module cli/client/commands/session-ops
 * The session calls both ways of running `connect` share: submit a step (falling back to the
 * session's current state when another client moved it on), wait on a `display_and_wait` step
 * (event stream, or long-poll), and cancel.
 */
import type { ApiClient } from '../api-client.ts';
import type { LoginSession, SubmitStepBody } from '../api-types.ts';
import { ApiResponseError, UnexpectedResponseError } from '../errors.ts';
import { sleep } from '../io.ts';
import { msUntil } from '../terminal/durations.ts';
import type { Clock } from '../../../clock.ts';

/** Seconds the server may hold one long-poll (the server's own limit is 25). */
export const LONG_POLL_SECONDS = 20;

/**
 * Answers the session's current step. When the session moved on meanwhile (409 `step_mismatch`,
 * 410 `session_finished`), returns its current state instead of failing.
 */
export async function submitStep(api: ApiClient, session: LoginSession, body: SubmitStepBody, signal?: AbortSignal, waitSeconds?: number): Promise<LoginSession> {
  const stepID = session.currentStep?.stepID;
  if (stepID === undefined) return api.getLoginSession(session.bridgeID, session.loginSessionID, signal);
  try {
    return await api.submitStep(session.bridgeID, session.loginSessionID, stepID, body, { waitSeconds, signal });
  } catch (err) {
    if (err instanceof ApiResponseError && (err.code === 'step_mismatch' || err.code === 'session_finished')) {
      return api.getLoginSession(session.bridgeID, session.loginSessionID, signal);
    }
    throw err;
  }
}

/**
 * Waits on a `display_and_wait` step for the session's next state. It reads the session's event
 * stream, which starts with the current state, so no change can slip by between two waits; a
 * server without the stream (it is an extension of the API) is long-polled instead.
 *
 * @example
 * const waiter = new SessionWaiter(api, clock);
 * while (session.status === 'waiting_for_display') session = await waiter.next(session, signal);
 */
export class SessionWaiter {
  private useEvents = true;

  constructor(
    private readonly api: ApiClient,
    private readonly clock: Clock,
  ) {}

  /** The first state that differs from `session` (or, at worst, the same state after a while). */
  async next(session: LoginSession, signal?: AbortSignal): Promise<LoginSession> {
    const started = this.clock.now();
    let next: LoginSession | undefined;
    if (this.useEvents) {
      try {
        next = await this.nextEvent(session, signal);
      } catch (err) {
        if (!isMissingEventStream(err)) throw err;
        this.useEvents = false;
      }
    }
    if (!this.useEvents) next = await submitStep(this.api, session, { type: 'display_and_wait' }, signal, longPollSeconds(session, started));
    // The stream ended without news (a dropped connection): read the session as it is.
    next ??= await this.api.getLoginSession(session.bridgeID, session.loginSessionID, signal);
    // Never spin: a server that answers at once with nothing new is asked again a second later.
    if (sameState(next, session) && this.clock.now() - started < 1000) await sleep(this.clock, 1000, signal);
    return next;
  }

  private async nextEvent(session: LoginSession, signal?: AbortSignal): Promise<LoginSession | undefined> {
    const controller = new AbortController();
    const stop = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const state of this.api.sessionEvents(session.bridgeID, session.loginSessionID, controller.signal)) {
        if (!sameState(state, session)) return state;
      }
      return undefined;
    } catch (err) {
      // Our own abort, to close the stream, is not an error; the caller's is.
      if (signal?.aborted) throw signal.reason;
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      controller.abort();
    }
  }
}

/** Whether the server simply has no event stream (route unknown, or not a stream). */
function isMissingEventStream(err: unknown): boolean {
  if (err instanceof UnexpectedResponseError) return true;
  return err instanceof ApiResponseError && [404, 405, 406, 501].includes(err.status);
}

/**
 * How long to let the server hold a long-poll. A long-poll answers changes made after it
 * arrives; a code refreshed just before would be seen only when the poll ends. So the poll
 * ends shortly after the shown code expires, and every second once it has.
 */
export function longPollSeconds(session: LoginSession, now: number): number {
  const step = session.currentStep;
  const left = step?.type === 'display_and_wait' ? msUntil(step.display.expiresAt, now) : undefined;
  if (left === undefined) return LONG_POLL_SECONDS;
  return Math.min(LONG_POLL_SECONDS, Math.max(1, Math.ceil(left / 1000) + 1));
}

/** Whether two snapshots of a session show the same state (key order aside). */
export function sameState(a: LoginSession, b: LoginSession): boolean {
  return canonicalJSON(a) === canonicalJSON(b);
}

function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1))) : v,
  );
}

/**
 * Cancels the session on the server and returns its state afterwards. A session that finished
 * meanwhile (410) is returned as it finished.
 */
export async function cancelSession(api: ApiClient, session: LoginSession): Promise<LoginSession> {
  try {
    await api.cancelLoginSession(session.bridgeID, session.loginSessionID);
  } catch (err) {
    if (!(err instanceof ApiResponseError && err.code === 'session_finished')) throw err;
  }
  return api.getLoginSession(session.bridgeID, session.loginSessionID);
}
