/**
 * A value that a synchronous store (SQLite) has at once and an asynchronous one (PostgreSQL)
 * brings later. The hot paths answer from memory or from SQLite without a turn of the
 * microtask queue; only a store that must wait makes a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `f(value)` now when `value` is at hand, else once it settles. */
export function then<T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
