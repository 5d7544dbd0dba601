/**
 * @module cli/client/commands/session-ops
 * The session calls both ways of running `connect` share: submit a step (falling back to the
 * session's current state when another client moved it on), wait on a `display_and_wait` step
 * by long-polling, and cancel.
 */
import type { ApiClient } from '../api-client.ts';
import type { LoginSession, SubmitStepBody } from '../api-types.ts';
import { ApiResponseError } from '../errors.ts';
import { sleep } from '../io.ts';
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
 * Waits on a `display_and_wait` step until the session changes or one long-poll ends, and
 * returns the session then. A server that answers at once (no long-poll) is asked again only
 * after a second, so the client never spins.
 */
export async function waitForChange(api: ApiClient, session: LoginSession, clock: Clock, signal?: AbortSignal): Promise<LoginSession> {
  const started = clock.now();
  const next = await submitStep(api, session, { type: 'display_and_wait' }, signal, LONG_POLL_SECONDS);
  if (sameState(next, session) && clock.now() - started < 1000) await sleep(clock, 1000, signal);
  return next;
}

/** Whether two snapshots of a session show the same state. */
export function sameState(a: LoginSession, b: LoginSession): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
