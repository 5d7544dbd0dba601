/**
 * Which PostgreSQL failures mean "the database cannot be reached right now": callers map them to
 * `store_unavailable` (503, retryable) instead of an internal error.
 */

/** Node socket errors met when the database is down, restarting or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLSTATEs of a server shutting down or starting: admin_shutdown, crash_shutdown, cannot_connect_now. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);

/** pg's own messages for a connection that ended or a pool that had no free client in time. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end/i,
];

/** Whether `err` says the database is unavailable (as opposed to a bug or bad data). */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(err.message))) return true;
  // AggregateError (several addresses refused) and wrapped errors.
  const inner = (err as { errors?: unknown[]; cause?: unknown });
  if (Array.isArray(inner.errors) && inner.errors.length > 0 && inner.errors.every(isUnavailable)) return true;
  return inner.cause !== undefined && inner.cause !== err && isUnavailable(inner.cause);
}
