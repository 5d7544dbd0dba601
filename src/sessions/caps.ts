/** The active-session caps' answers (api.md §5, §10): 429 with a hint of when to retry. */
import { ApiError } from '../errors.ts';

/** A person has `max` active sessions already. */
export function personalCapReached(max: number): ApiError {
  return new ApiError('rate_limited', `you have ${max} active login sessions, the most allowed; finish or cancel one first`, undefined, { 'retry-after': '30' });
}

/** The server has `max` active sessions already; a slot frees up in about `retryAfterS` seconds. */
export function serverCapReached(max: number, retryAfterS: number): ApiError {
  return new ApiError('rate_limited', `too many active login sessions (at most ${max}); finish or cancel one first`, undefined, { 'retry-after': String(retryAfterS) });
}
