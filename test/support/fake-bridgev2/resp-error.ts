/**
 * @module test/support/fake-bridgev2/resp-error
 * The error catalogue of the bridgev2 provisioning API (protocol notes §3), for the fake server.
 */

/** A typed error: errcode, message and status pass to the client unchanged. */
export class RespError extends Error {
  override readonly name = 'RespError';
  constructor(
    readonly errcode: string,
    message: string,
    readonly status = 500,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

/** Statuses of the `FI.MAU.BRIDGE.*` codes: 403/410 since v0.30.0, 500 before (legacy mode). */
function bridgeStatus(modern: number, legacy: boolean): number {
  return legacy ? 500 : modern;
}

export const errors = {
  missingToken: () => new RespError('M_MISSING_TOKEN', 'Missing auth token', 401),
  unknownToken: () => new RespError('M_UNKNOWN_TOKEN', 'Invalid auth token', 401),
  disabled: () => new RespError('M_FORBIDDEN', 'Provisioning API is disabled', 403),
  noLoginPermission: () => new RespError('M_FORBIDDEN', 'User does not have login permissions', 403),
  failedToGetUser: () => new RespError('M_UNKNOWN', 'Failed to get user', 500),
  loginNotFound: () => new RespError('M_NOT_FOUND', 'Login not found', 404),
  notJSON: (message = 'Failed to decode request body') => new RespError('M_NOT_JSON', message, 400),
  badState: (message: string) => new RespError('M_BAD_STATE', message, 500),
  invalidStepType: (type: string) => new RespError('M_UNRECOGNIZED', `Invalid step type "${type}"`, 404),
  unrecognizedEndpoint: () => new RespError('M_UNRECOGNIZED', 'Unrecognized endpoint', 404),
  invalidMethod: () => new RespError('M_UNRECOGNIZED', 'Invalid method for endpoint', 405),
  tooManyLogins: (max: number, legacy: boolean) =>
    new RespError('FI.MAU.BRIDGE.TOO_MANY_LOGINS', `Maximum number of logins exceeded (${max})`, bridgeStatus(403, legacy)),
  loginCancelled: (legacy = false) =>
    new RespError('FI.MAU.BRIDGE.LOGIN_CANCELLED', 'Login process was cancelled', bridgeStatus(410, legacy)),
  loginTimedOut: (legacy = false) =>
    new RespError('FI.MAU.BRIDGE.LOGIN_TIMED_OUT', 'Login process timed out', bridgeStatus(410, legacy)),
  alreadyFinished: (legacy: boolean) =>
    new RespError('FI.MAU.BRIDGE.LOGIN_ALREADY_FINISHED', 'Login process was already finished', bridgeStatus(410, legacy)),
  webauthnUnsupported: () =>
    new RespError('COM.BEEPER.WEBAUTHN_UNSUPPORTED', 'Logging in with a passkey is not yet supported', 400),
};

/**
 * What the server sends for an error from the connector: a {@link RespError} as is, anything
 * else as 500 `M_UNKNOWN` with the endpoint's fixed message and, since v0.28.1, the raw text in
 * `fi.mau.internal_error`.
 */
export function toRespError(error: unknown, message: string, legacy: boolean): RespError {
  if (error instanceof RespError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new RespError('M_UNKNOWN', message, 500, legacy ? {} : { 'fi.mau.internal_error': text });
}
