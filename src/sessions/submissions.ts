/**
 * Submissions to a session's current step (api.md §5): one at a time per session. A duplicate of
 * the running one (same step, same values) joins it, so the bridge sees it once; any other waits
 * its turn and is then decided on the session the running one leaves. Answers are kept by
 * `Idempotency-Key`, and a `display_and_wait` submit long-polls instead of running anything.
 */
import type { Clock } from '../clock.ts';
import { ApiError, MESSAGES } from '../errors.ts';
import type { StepOutcome } from '../bridges/types.ts';
import * as machine from './machine.ts';
import type { LiveSession } from './live.ts';
import type { SessionRecorder } from './recorder.ts';
import { nextChange } from './long-poll.ts';
import { scrubOutcome, secretValues } from './scrub.ts';
import { bridgeFailure } from './failures.ts';
import type { SubmissionDigest } from './submission-digest.ts';
import type { Answered } from './retained.ts';
import type { Session } from './model.ts';
import { toJSON } from './view.ts';

export interface SubmitRequest {
  stepID: string;
  type: string;
  fields?: Record<string, string>;
  idempotencyKey?: string;
  /** Longest this request may long-poll, in ms (already capped by the caller's hints). */
  waitMs?: number;
  /** Fires when the client goes away. */
  signal?: AbortSignal;
}

/** What running submissions need: the clock, the recorder of outcomes, and the server's stop. */
export interface SubmissionDeps {
  readonly clock: Clock;
  /** Longest a `display_and_wait` submit waits for a change, unless the request asks less. */
  readonly longPollMs: number;
  /** Aborted when the server stops. */
  readonly stopping: AbortSignal;
  readonly recorder: SessionRecorder;
  /** Keyed digest of a submission, to tell a retry of the answered one from another (§5 rule 1). */
  readonly digest: SubmissionDigest;
}

/** Keys are kept per session; past this many the oldest are forgotten. */
const MAX_KEYS_PER_SESSION = 100;

/** Whether two submissions carry the same values (field order aside). */
function sameInput(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Submit to a session's step; resolves with the session's JSON once the submission is decided. */
export async function submit(deps: SubmissionDeps, live: LiveSession, req: SubmitRequest): Promise<string> {
  const key = req.idempotencyKey;
  if (key !== undefined) {
    const known = live.reply(key);
    if (known !== undefined) return known;
  }
  // A write: a session whose time is up expires now, if its deadline has not fired yet.
  deps.recorder.expireIfDue(live);
  const answered = live.answered;
  const digest = (): string => deps.digest(req.type, req.fields ?? {});
  const sameAsAnswered = answered !== undefined && answered.stepID === req.stepID ? answered.digest === digest() : undefined;
  const decision = machine.decideSubmit(live.session, { stepID: req.stepID, type: req.type, ...(req.fields ? { fields: req.fields } : {}), sameAsAnswered });
  switch (decision.kind) {
    case 'replay':
      return live.json;
    case 'error':
      throw decision.error;
    case 'wait':
      return nextChange(live, deps.clock, req.waitMs ?? deps.longPollMs, req.signal);
    case 'run': {
      const running = live.running;
      let reply: Promise<string>;
      if (running && running.stepID === req.stepID && sameInput(running.input, decision.input)) {
        // A duplicate (a client retrying, or the same tap twice) joins: the bridge sees it once.
        reply = running.reply;
      } else if (running) {
        // Another submission: one at a time. It waits for the running one, then is decided
        // on the session that one leaves (a step asked again takes it; a finished one does not).
        const again = (): Promise<string> => submit(deps, live, req);
        return running.reply.then(again, again);
      } else {
        reply = execute(deps, live, req.stepID, decision.input, digest());
      }
      if (key !== undefined) remember(deps, live, key, reply);
      return reply;
    }
  }
}

/**
 * Submit to a session not held here (a finished one, read from the store): a retry of the
 * submission that answered its last step gets the session, anything else is decided by the
 * rules without running (410 `session_finished`, 409 `step_mismatch`, 400).
 */
export function submitSettled(deps: SubmissionDeps, session: Session, answered: Answered | undefined, req: SubmitRequest): string {
  const sameAsAnswered = answered !== undefined && answered.stepID === req.stepID ? answered.digest === deps.digest(req.type, req.fields ?? {}) : undefined;
  const decision = machine.decideSubmit(session, { stepID: req.stepID, type: req.type, ...(req.fields ? { fields: req.fields } : {}), sameAsAnswered });
  if (decision.kind === 'error') throw decision.error;
  // A finished session is only ever replayed or refused; nothing runs on it.
  return toJSON(session);
}

/** Keep the answer to `key` (the promise until it settles, then its JSON, stored). */
function remember(deps: SubmissionDeps, live: LiveSession, key: string, reply: Promise<string>): void {
  live.keepReply(key, reply, MAX_KEYS_PER_SESSION);
  void reply.then(
    (json) => {
      live.keepReply(key, json);
      deps.recorder.saveReply(live.session.id, key, json);
    },
    () => live.dropReply(key),
  );
}

/**
 * Run one submission on the bridge; it is the session's running one until it settles, and then
 * the one that answered `stepID` (by `digest`).
 */
function execute(deps: SubmissionDeps, live: LiveSession, stepID: string, input: Record<string, string>, digest: string): Promise<string> {
  const process = live.process;
  const answered = live.session.step;
  const run = async (): Promise<string> => {
    let outcome: StepOutcome;
    let secrets: string[] = [];
    if (!process) {
      outcome = { kind: 'failed', error: machine.INTERRUPTED_ERROR };
    } else {
      try {
        outcome = await process.submit(input);
      } catch (err) {
        // The server is stopping and ended the call: the submission's fate is the bridge's to
        // tell. The session stays as stored, for the next start to resume or interrupt.
        if (deps.stopping.aborted) throw new ApiError('bridge_unavailable', `${MESSAGES.shutting_down}; read the session again once it is back`);
        outcome = { kind: 'failed', error: bridgeFailure(err) };
      }
      secrets = secretValues(answered, input);
      outcome = scrubOutcome(outcome, secrets);
    }
    // Before the outcome is recorded: a session it finishes leaves memory with what answered it.
    live.answeredBy(stepID, digest);
    deps.recorder.apply(live, outcome, stepID, secrets);
    return live.json;
  };
  return live.run(stepID, input, run());
}
