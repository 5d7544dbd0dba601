/**
 * The tests' one way to wait for something to happen: `eventually(check, what)` resolves with
 * the first truthy value of `check()`, asked again after every turn of the event loop and, once
 * that is not enough (a socket closing, a child process writing), every few milliseconds. It is
 * a bound, not a measure: after `timeoutMs` it fails naming `what`, instead of hanging the run.
 */

/** How long to wait by default: long enough for a loaded machine, short of the test runner's own limit. */
const DEFAULT_TIMEOUT_MS = 20_000;
/** Turns of the event loop to try before falling back to timers. */
const TURNS = 200;
const POLL_MS = 5;

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  timeoutMs?: number;
}

/**
 * Resolves with `check()`'s first truthy value (a check may be asynchronous); rejects after
 * `timeoutMs` with "timed out waiting for <what>".
 * @example await eventually(() => bridge.calls.length === 2, 'the second call');
 */
export async function eventually<T>(check: () => T | Promise<T>, what = 'a condition', { timeoutMs = DEFAULT_TIMEOUT_MS }: EventuallyOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (let turn = 0; ; turn++) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => (turn < TURNS ? setImmediate(resolve) : setTimeout(resolve, POLL_MS)));
  }
}
