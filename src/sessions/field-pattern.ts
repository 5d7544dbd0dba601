/**
 * Checking a submitted value against the `pattern` a bridge gave its field, in bounded time.
 *
 * A pattern comes from the bridge, which may be broken or hostile, and so may the value (a
 * bridge's `default_value` is pre-filled by the web page). JavaScript's backtracking engine
 * takes exponential time on patterns such as `(a+)+b`, on the event loop. Patterns are run by
 * RE2JS instead (a JavaScript port of RE2, the engine of Go's `regexp`, in which bridgev2 bridges
 * write their patterns): its time is linear in the value, times the size of the compiled
 * pattern. Both factors are bounded before any work is done: a pattern whose counted
 * repetitions (`{n,m}`) could expand it past {@link MAX_PATTERN_COST} is not compiled, and a
 * value is matched only while size × length stays within {@link MAX_MATCH_COST}.
 *
 * A pattern is a hint for early feedback (the bridge checks its own input again), so a pattern
 * that cannot be used, being invalid RE2 or past these bounds, accepts every value, as an
 * invalid pattern always has.
 */
import { RE2JS } from 're2js';

/** Upper bound on `pattern length × product of its repetition counts` for a pattern to be compiled. */
export const MAX_PATTERN_COST = 4096;
/** Upper bound on `compiled size × value length` for a value to be checked. */
export const MAX_MATCH_COST = 1 << 18;
/** Distinct patterns kept compiled; past this, the oldest is compiled again when next used. */
const CACHE_SIZE = 256;

const cache = new Map<string, RE2JS | null>();

/**
 * An upper bound on how far a pattern's counted repetitions can expand it: its length times
 * every `{n}`, `{n,}` and `{n,m}` in it multiplied together (nested or not, escaped or in a class:
 * the bound is loose, never low).
 */
export function patternCost(pattern: string): number {
  let cost = Math.max(1, pattern.length);
  for (const m of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    const count = Math.max(Number(m[1]), m[2] ? Number(m[2]) : Number(m[1]) + 1, 1);
    cost *= count;
    if (!Number.isFinite(cost) || cost > MAX_PATTERN_COST) return Infinity;
  }
  return cost;
}

/** The compiled pattern (a whole-value match), or null when it cannot be used. */
function compiled(pattern: string): RE2JS | null {
  const known = cache.get(pattern);
  if (known !== undefined) return known;
  let re: RE2JS | null = null;
  if (patternCost(pattern) <= MAX_PATTERN_COST) {
    try {
      re = RE2JS.compile(`(?:${pattern})`);
    } catch {
      re = null;
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

/**
 * Whether `value` matches the whole of a bridge-supplied `pattern`. Linear in the value and
 * bounded: a pattern or a value too large to check in bounded time is not checked (true).
 */
export function matchesPattern(pattern: string, value: string): boolean {
  const re = compiled(pattern);
  if (re === null || re.programSize() * value.length > MAX_MATCH_COST) return true;
  return re.matches(value);
}
