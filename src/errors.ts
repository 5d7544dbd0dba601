/**
 * @module errors
 * The closed catalogue of API error codes (`api.md` §2): one union type, one status table the
 * compiler checks, one error class, and the fixed messages and limits they quote. The domain
 * throws these without knowing HTTP; `http/error-handler.ts` alone turns them into answers.
 * `docs/errors.md` lists the same codes (a test keeps them equal).
 */

/** Every status an API error can carry, by code. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  unknown_flow: 400,
  unknown_login: 400,
  unknown_account: 400,
  step_type_mismatch: 400,
  unsupported_scope: 400,
  missing_token: 401,
  invalid_token: 401,
  invalid_openid_token: 401,
  forbidden_host: 403,
  forbidden: 403,
  user_not_allowed: 403,
  bridge_disabled: 403,
  login_limit_reached: 403,
  not_found: 404,
  step_mismatch: 409,
  session_finished: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  bridge_unavailable: 503,
  homeserver_unavailable: 503,
  store_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Largest request body accepted, in bytes (Fastify's `bodyLimit`). */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** The fixed messages of codes that always say the same thing. */
export const MESSAGES = {
  invalid_json: 'the request body is not valid JSON',
  payload_too_large: `the request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`,
  unsupported_media_type: 'request bodies must be JSON (Content-Type: application/json), not compressed',
  internal_error: 'Something went wrong on the server. The error was logged; please report it.',
  shutting_down: 'the server is shutting down',
  store_unavailable: 'the database cannot be reached right now; try again in a moment',
} as const;

/** Codes whose responses carry `x-should-retry: false`: every 409, and 5xx a retry cannot fix. */
export const NO_RETRY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['step_mismatch', 'internal_error']);

/** One problem found by validation, as `details.issues` lists it. */
export interface ValidationIssue {
  code: string;
  message: string;
  path: (string | number)[];
}

/**
 * An error the API answers with. Thrown anywhere below a route; the one error handler turns it
 * into `{code, message, details?}` with the status from {@link ERROR_STATUS}.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, such as `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  /** The wire body. */
  toBody(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/**
 * A 400 `invalid_request` naming the problems; the message defaults to the issues' own,
 * joined (or `fallback` when there are none).
 */
export function invalidRequest(issues: ValidationIssue[], message?: string, fallback = 'the request is invalid'): ApiError {
  return new ApiError('invalid_request', message ?? (issues.map((i) => i.message).join('; ') || fallback), { issues });
}

/** A 400 `invalid_json`. */
export function invalidJSON(): ApiError {
  return new ApiError('invalid_json', MESSAGES.invalid_json);
}

/** A 500 `internal_error`: a bug, whose answer says nothing internal (the details go to the log). */
export function internalError(): ApiError {
  return new ApiError('internal_error', MESSAGES.internal_error);
}

/** A 404 `not_found` for a named kind of thing. */
/** The database cannot be reached (api.md §11): 503, retryable. */
export function storeUnavailable(): ApiError {
  return new ApiError('store_unavailable', MESSAGES.store_unavailable, undefined, { 'retry-after': '1' });
}

export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} not found`);
}
