/**
 * Whether a submission is the same one as the step's answered submission (`api.md` §5 rule 1,
 * revised): a client retrying after a lost response sends the same `type` and `fields`, and gets
 * the session back; another submission of that step (a second tab, another username) must not
 * be told it succeeded. The answered submission is remembered only as a keyed digest (HMAC-SHA256
 * under a key made at start and never stored), in memory only, so that nothing submitted can be
 * recovered from it, not even by guessing short values such as a six-digit code.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Digest of a submission's `type` and `fields` (field order aside). */
export type SubmissionDigest = (type: string, fields: Readonly<Record<string, string>>) => string;

/** A digest function under a fresh random key, held only by the function. */
export function createSubmissionDigest(key: Buffer = randomBytes(32)): SubmissionDigest {
  return (type, fields) => {
    const entries = Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]);
    return createHmac('sha256', key).update(JSON.stringify([type, entries])).digest('base64url');
  };
}
