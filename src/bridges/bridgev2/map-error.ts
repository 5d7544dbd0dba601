/**
 * @module bridges/bridgev2/map-error
 * Maps a bridge's error answer during a login to the session's `error` (protocol notes §12).
 * The bridge's own `errcode`, `error` and `fi.mau.internal_error` always go to `details`.
 *
 * | bridge error | session error code |
 * | --- | --- |
 * | 410 `FI.MAU.BRIDGE.LOGIN_CANCELLED` (cancelled by someone other than us) | `cancelled` |
 * | `FI.MAU.BRIDGE.LOGIN_TIMED_OUT`; `M_UNKNOWN` whose internal error is "context deadline exceeded" | `login_timed_out` |
 * | `COM.BEEPER.WEBAUTHN_UNSUPPORTED` | `webauthn_unsupported` |
 * | `M_FORBIDDEN` (other than the provisioning API's own refusals) | `invalid_credentials` |
 * | anything else (`M_UNKNOWN`, `M_BAD_STATE`, connector codes, …) | `bridge_error` |
 *
 * Only a typed refusal is a wrong password: a plain connector error (500 `M_UNKNOWN`) may be
 * anything, so it stays `bridge_error`, with the bridge's own text as the message.
 *
 * 404 "Login not found" needs a look at the bridge's logins first, so the login process handles it.
 */

import type { LoginError } from '../types.ts';
import { ACCESS_REFUSALS, type ProvisioningHTTPError } from './errors.ts';

/** The session error for a bridge's error answer during a login. */
export function loginErrorFromHTTP(error: ProvisioningHTTPError): LoginError {
  const details = error.toDetails();
  switch (error.errcode) {
    case 'FI.MAU.BRIDGE.LOGIN_CANCELLED':
      return { code: 'cancelled', message: 'The login was cancelled on the bridge.', details };
    case 'FI.MAU.BRIDGE.LOGIN_TIMED_OUT':
      return { code: 'login_timed_out', message: 'The login took too long and the bridge gave up.', details };
    case 'COM.BEEPER.WEBAUTHN_UNSUPPORTED':
      return {
        code: 'webauthn_unsupported',
        message: 'The bridge asks for a passkey (WebAuthn), which this server does not support yet.',
        details,
      };
  }
  if (error.errcode === 'M_FORBIDDEN' && !ACCESS_REFUSALS.has(error.error ?? '')) {
    // The connector refused what was entered (bridges wrap their network's "wrong password" so).
    return { code: 'invalid_credentials', message: error.error || 'The bridge refused the credentials.', details };
  }
  if (error.errcode === 'M_UNKNOWN' && error.internalError?.includes('context deadline exceeded')) {
    // The bridge's 30-minute process deadline hit a running step.
    return { code: 'login_timed_out', message: 'The login took too long and the bridge gave up.', details };
  }
  // The internal error ("incorrect password") says more than the catch-all "Internal error in login step".
  const message = error.internalError || error.error || `The bridge answered HTTP ${error.status}.`;
  return { code: 'bridge_error', message, details };
}
