/**
 * The login-session state machine, pure: every function takes a session (and an event) and
 * returns the next session or a typed error, with no I/O and no clock of its own.
 */
import { ApiError, invalidRequest, type ValidationIssue } from '../errors.ts';
import type { InteractiveStep, LoginError } from '../bridges/types.ts';
import { isFinished, type CompleteStep, type Session, type SessionStatus } from './model.ts';
import { matchesPattern } from './field-pattern.ts';

const STATUS_OF_STEP: Record<InteractiveStep['type'], SessionStatus> = {
  user_input: 'waiting_for_input',
  cookies: 'waiting_for_cookies',
  display_and_wait: 'waiting_for_display',
};

/** Fields of a session that a transition replaces; the rest is kept. */
function next(s: Session, now: number, patch: Partial<Session>): Session {
  const out: Session = { ...s, ...patch, updatedAt: now };
  // Absent keys stay absent, so that the wire view never shows `undefined`. Copied without
  // them rather than `delete`d, which would turn the object into a slow dictionary.
  let clean = true;
  for (const k in out) if (out[k as keyof Session] === undefined) clean = false;
  if (clean) return out;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out)) if (v !== undefined) copy[k] = v;
  return copy as unknown as Session;
}

/** A new session waiting on its first step. */
export function created(init: {
  id: string;
  /** A Matrix user ID; absent for the owner. */
  owner?: string;
  bridgeID: string;
  flowID: string;
  loginID?: string;
  step: InteractiveStep;
  now: number;
  ttlMs: number;
}): Session {
  const s: Session = {
    id: init.id,
    bridgeID: init.bridgeID,
    flowID: init.flowID,
    status: STATUS_OF_STEP[init.step.type],
    step: init.step,
    createdAt: init.now,
    updatedAt: init.now,
    expiresAt: init.now + init.ttlMs,
    ...(init.loginID !== undefined ? { loginID: init.loginID } : {}),
    ...(init.owner !== undefined ? { owner: init.owner } : {}),
  };
  return s;
}

/** The bridge showed a (new or refreshed) step. `answered` is the step ID that was submitted, if any. */
export function stepShown(s: Session, step: InteractiveStep, now: number, answered?: string): Session {
  if (isFinished(s)) return s;
  return next(s, now, {
    status: STATUS_OF_STEP[step.type],
    step,
    ...(answered !== undefined ? { lastAnsweredStepID: answered } : {}),
  });
}

/** The login completed. */
export function completed(s: Session, step: CompleteStep, now: number, answered?: string): Session {
  if (isFinished(s)) return s;
  return next(s, now, {
    status: 'complete',
    step,
    loginID: step.login.loginID,
    finishedAt: now,
    ...(answered !== undefined ? { lastAnsweredStepID: answered } : {}),
  });
}

/** The login failed (wrong password, bridge refused, expired, interrupted…). */
export function failed(s: Session, error: LoginError, now: number, answered?: string): Session {
  if (isFinished(s)) return s;
  return next(s, now, {
    status: 'failed',
    step: undefined,
    error,
    finishedAt: now,
    ...(answered !== undefined ? { lastAnsweredStepID: answered } : {}),
  });
}

/**
 * Cancel by the client. A cancelled session stays cancelled (same answer); a complete or failed
 * one cannot be cancelled (410).
 */
export function cancelled(s: Session, now: number): Session | ApiError {
  if (s.status === 'cancelled') return s;
  if (isFinished(s)) return new ApiError('session_finished', `login session is already ${s.status}`);
  return next(s, now, { status: 'cancelled', step: undefined, finishedAt: now });
}

export const EXPIRED_ERROR: LoginError = {
  code: 'session_expired',
  message: 'The login session expired before it was finished; start a new one.',
};

export const INTERRUPTED_ERROR: LoginError = {
  code: 'session_interrupted',
  message: 'The server restarted while this login was in progress and it could not be resumed; start a new one.',
};

export const WRITE_LOST_ERROR: LoginError = {
  code: 'session_interrupted',
  message: 'The server could not save this login\'s progress (a storage error), so it was ended; start a new one.',
};

/**
 * The session's last changes could not be saved: it ends failed, whatever it showed. Even a
 * complete one: the login it reported was not saved either.
 */
export function writeLost(s: Session, now: number): Session {
  if (s.status === 'failed' && s.error?.message === WRITE_LOST_ERROR.message) return s;
  return next(s, now, {
    status: 'failed',
    step: undefined,
    error: WRITE_LOST_ERROR,
    finishedAt: s.finishedAt ?? now,
    ...(s.status === 'complete' ? { loginID: undefined } : {}),
  });
}

/** Expire the session if its time is up; otherwise return it unchanged. */
export function expiredIfDue(s: Session, now: number): Session {
  if (isFinished(s) || now < s.expiresAt) return s;
  return failed(s, EXPIRED_ERROR, s.expiresAt);
}

/** A submission as the route receives it. */
export interface Submission {
  stepID: string;
  type: string;
  fields?: Record<string, string>;
  /**
   * Whether this is the submission that answered `stepID` (compared by digest); undefined when
   * that is not known (the step was answered by a wait, or before a restart): a replay then.
   */
  sameAsAnswered?: boolean;
}

/** What to do with a submission, decided from the session alone (§5 rules 1–4). */
export type SubmitDecision =
  | { kind: 'replay' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'run'; input: Record<string, string> }
  | { kind: 'wait' };

/**
 * Decide a submission by the contract's rules, in order: replay of the step just answered (409
 * when it was answered by a different submission);
 * finished session (410); wrong step (409); wrong type (400); missing or invalid fields (400).
 * The caller handles `Idempotency-Key` replays and joining before calling this.
 */
export function decideSubmit(s: Session, sub: Submission): SubmitDecision {
  const current = s.step;
  const currentID = current?.stepID;
  if (s.lastAnsweredStepID !== undefined && sub.stepID === s.lastAnsweredStepID && sub.stepID !== currentID) {
    if (sub.sameAsAnswered !== false) return { kind: 'replay' };
    const message = `step "${sub.stepID}" was already answered by another submission; read the session for its current state`;
    return { kind: 'error', error: new ApiError('step_mismatch', message, { answered: true, ...(currentID !== undefined ? { currentStepID: currentID } : {}) }) };
  }
  if (isFinished(s) || !current || current.type === 'complete') {
    return { kind: 'error', error: new ApiError('session_finished', `login session is already ${s.status}`) };
  }
  if (sub.stepID !== currentID) {
    return {
      kind: 'error',
      error: new ApiError('step_mismatch', `step "${sub.stepID}" is not the current step "${currentID}"`, { currentStepID: currentID }),
    };
  }
  if (sub.type !== current.type) {
    return {
      kind: 'error',
      error: new ApiError('step_type_mismatch', `step "${currentID}" is of type "${current.type}", not "${sub.type}"`, {
        expectedType: current.type,
      }),
    };
  }
  if (current.type === 'display_and_wait') return { kind: 'wait' };
  const issues = validateFields(current, sub.fields ?? {});
  if (issues.length > 0) {
    return { kind: 'error', error: invalidRequest(issues) };
  }
  const input: Record<string, string> = {};
  for (const f of current.fields) {
    const v = sub.fields?.[f.id];
    if (v !== undefined) input[f.id] = v;
  }
  return { kind: 'run', input };
}

/** Check submitted values against the step's fields: required ones present, patterns matched. */
export function validateFields(step: InteractiveStep & { fields: { id: string; optional?: boolean; pattern?: string; label?: string; name?: string }[] }, fields: Record<string, string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const f of step.fields) {
    const value = Object.hasOwn(fields, f.id) ? fields[f.id] : undefined;
    const path = ['body', 'fields', f.id];
    const label = f.label ?? f.name ?? f.id;
    if (value === undefined || value === '') {
      if (!f.optional) issues.push({ code: 'required', message: `field "${f.id}" (${label}) is required`, path });
      continue;
    }
    if (f.pattern !== undefined && !matchesPattern(f.pattern, value)) {
      issues.push({ code: 'pattern', message: `field "${f.id}" (${label}) does not match the expected format`, path });
    }
  }
  return issues;
}
