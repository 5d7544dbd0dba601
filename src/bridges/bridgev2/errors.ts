/**
 * @module bridges/bridgev2/errors
 * Failures of a call to the provisioning API, one class per kind (as in ky): the bridge answered
 * with an error ({@link ProvisioningHTTPError}), could not be reached
 * ({@link ProvisioningNetworkError}) or did not answer in time ({@link ProvisioningTimeoutError}).
 * Messages name the failing call (method and path) and never contain the shared secret.
 */

/** Base class: something went wrong calling `call` (e.g. `POST /v3/login/start/password`). */
export class ProvisioningError extends Error {
  override name = 'ProvisioningError';
  constructor(
    readonly call: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${call}: ${message}`, options);
  }
}

/** The bridge answered with a non-2xx status (or an unreadable body). */
export class ProvisioningHTTPError extends ProvisioningError {
  override name = 'ProvisioningHTTPError';
  /** Matrix-style error code, e.g. `M_NOT_FOUND`, `FI.MAU.BRIDGE.TOO_MANY_LOGINS`. */
  readonly errcode: string | undefined;
  /** The bridge's human-readable message (`error`). */
  readonly error: string | undefined;
  /** `fi.mau.internal_error`: the underlying Go error text, on wrapped `M_UNKNOWN` errors. */
  readonly internalError: string | undefined;
  /** Every other key of the error body (connector extra data, `com.beeper.can_retry`, …). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    call: string,
    readonly status: number,
    body: unknown,
  ) {
    const fields = readErrorBody(body);
    const what = [fields.errcode, fields.error].filter(Boolean).join(' ') || 'no error body';
    super(call, `HTTP ${status} ${what}`);
    this.errcode = fields.errcode;
    this.error = fields.error;
    this.internalError = fields.internalError;
    this.extra = fields.extra;
  }

  /** The bridge's error as `error.details` of a failed login session. */
  toDetails(): Record<string, unknown> {
    const details: Record<string, unknown> = { status: this.status };
    if (this.errcode !== undefined) details.errcode = this.errcode;
    if (this.error !== undefined) details.error = this.error;
    if (this.internalError !== undefined) details['fi.mau.internal_error'] = this.internalError;
    return { ...this.extra, ...details };
  }
}

/** The connection failed (refused, reset, DNS, dropped mid-response). */
export class ProvisioningNetworkError extends ProvisioningError {
  override name = 'ProvisioningNetworkError';
  constructor(call: string, cause: unknown) {
    super(call, `network error (${describeCause(cause)})`, { cause });
  }
}

/** No answer within the call's timeout. */
export class ProvisioningTimeoutError extends ProvisioningError {
  override name = 'ProvisioningTimeoutError';
  constructor(
    call: string,
    readonly timeoutMs: number,
  ) {
    super(call, `timed out after ${timeoutMs} ms`);
  }
}

/** Whether `error` means "the bridge cannot be reached right now". */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ProvisioningNetworkError || error instanceof ProvisioningTimeoutError) return true;
  // A reverse proxy in front of a stopped bridge answers 502/503/504 without a Matrix error body.
  return error instanceof ProvisioningHTTPError && error.errcode === undefined && [502, 503, 504].includes(error.status);
}

/**
 * Whether `error` is the provisioning API refusing this server itself (a wrong shared secret,
 * a user without the login permission, the API turned off): a config problem, not a login's.
 */
export function isAccessRefusal(error: unknown): error is ProvisioningHTTPError {
  if (!(error instanceof ProvisioningHTTPError)) return false;
  if (error.status === 401) return true;
  return error.status === 403 && ACCESS_REFUSALS.has(error.error ?? '');
}

/** The provisioning API's own 403 messages (a connector's 403 is about what was entered). */
export const ACCESS_REFUSALS: ReadonlySet<string> = new Set(['User does not have login permissions', 'Provisioning API is disabled']);

function readErrorBody(body: unknown): {
  errcode?: string;
  error?: string;
  internalError?: string;
  extra: Record<string, unknown>;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { extra: {} };
  const { errcode, error, 'fi.mau.internal_error': internalError, ...extra } = body as Record<string, unknown>;
  return {
    errcode: typeof errcode === 'string' ? errcode : undefined,
    error: typeof error === 'string' ? error : undefined,
    internalError: typeof internalError === 'string' ? internalError : undefined,
    extra,
  };
}

function describeCause(cause: unknown): string {
  // undici wraps the socket error: TypeError("fetch failed") with cause {code: "ECONNREFUSED"}.
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (!(current.cause instanceof Error)) return current.message;
    current = current.cause;
  }
  return String(cause);
}
