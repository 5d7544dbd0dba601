/**
 * Headers that must appear at most once. Node keeps the first of some repeated headers (Host,
 * Authorization, Content-Type) and joins others with ", " (Idempotency-Key): a request that
 * repeats one of them is ambiguous, and a proxy in front may have read the other copy, so it
 * is refused rather than guessed at.
 */
import { invalidRequest } from '../errors.ts';

const SINGLE: ReadonlySet<string> = new Set(['host', 'authorization', 'content-type', 'content-length', 'origin', 'idempotency-key', 'x-stainless-timeout']);

/** Throws 400 `invalid_request` when `rawHeaders` (name, value, name, value…) repeats a single-valued header. */
export function checkRepeatedHeaders(rawHeaders: readonly string[]): void {
  let seen: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SINGLE.has(name)) continue;
    seen ??= new Set();
    if (seen.has(name)) {
      const message = `the header "${name}" appears more than once`;
      throw invalidRequest([{ code: 'duplicate', message, path: ['headers', name] }], message);
    }
    seen.add(name);
  }
}
