/**
 * What a bridge answers to a submit must not carry the secrets it was just given. A broken or
 * hostile bridge that echoes a password or code in its error or in the next step would
 * otherwise have it stored with the session, shown in every later read and event, and kept in
 * the database. The values of the answered step's secret fields are replaced before the
 * outcome is used.
 */
import type { StepInput, StepOutcome } from '../bridges/types.ts';
import type { SessionStep } from './model.ts';

/** Input field types whose values are secrets; every field of a `cookies` step is one. */
const SECRET_TYPES: ReadonlySet<string> = new Set(['password', 'code']);
/** Shorter values are too common to replace without mangling ordinary text. */
const MIN_LENGTH = 4;
const REDACTED = '[redacted]';
/**
 * Keys that hold identities, which must stay exact: a step's, and a bridgev2 resume state's
 * (its known login IDs let a restarted server recognise a login that completed meanwhile; a
 * login ID is the bridge's account of who logged in, kept as it is like a completed login).
 */
const IDENTITY_KEYS: ReadonlySet<string> = new Set(['id', 'stepID', 'step_id', 'login_id', 'txn_id', 'processID', 'reloginID', 'knownLoginIDs']);

/** The submitted values that are secrets, for the step they answered. */
export function secretValues(step: SessionStep | undefined, input: StepInput): string[] {
  if (!step || (step.type !== 'user_input' && step.type !== 'cookies')) return [];
  const out: string[] = [];
  for (const f of step.fields) {
    const v = input[f.id];
    const secret = step.type === 'cookies' || SECRET_TYPES.has((f as { type?: string }).type ?? '');
    if (secret && v !== undefined && v.length >= MIN_LENGTH) out.push(v);
  }
  return out;
}

function scrub(value: unknown, secrets: readonly string[], key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && IDENTITY_KEYS.has(key)) return value;
    let s = value;
    for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join(REDACTED);
    return s;
  }
  // The elements of an array stand under its key: a list of identities stays exact too.
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets, k)]));
  }
  return value;
}

/** `value` (any JSON-like data) with every occurrence of `secrets` in its strings replaced. */
export function scrubValue<T>(value: T, secrets: readonly string[]): T {
  return secrets.length === 0 ? value : (scrub(value, secrets) as T);
}

/**
 * `outcome` with every occurrence of `secrets` in its text replaced: in a next step or an
 * error. A completed login is the bridge's account of who logged in and is kept as it is
 * (mautrix's dummy bridge, for one, names the user after the password it was given).
 */
export function scrubOutcome(outcome: StepOutcome, secrets: readonly string[]): StepOutcome {
  return outcome.kind === 'complete' ? outcome : scrubValue(outcome, secrets);
}
