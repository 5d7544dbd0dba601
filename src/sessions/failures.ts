/** How failures of a bridge, rather than of the login, show on a session. */
import { BridgeUnavailableError, type LoginError, type LoginProcess } from '../bridges/types.ts';

/** The process of a login that failed to start: there is nothing to submit, wait on or cancel. */
export const FAILED_PROCESS: LoginProcess = {
  submit: async () => ({ kind: 'failed', error: { code: 'bridge_error', message: 'This login failed to start.' } }),
  wait: () => Promise.reject(new Error('this login failed to start')),
  cancel: async () => {},
};

/** The session error for a bridge that threw instead of answering. */
export function bridgeFailure(err: unknown): LoginError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof BridgeUnavailableError) return { code: 'bridge_unavailable', message: `The bridge stopped answering: ${message}` };
  return { code: 'bridge_error', message: 'The bridge failed while handling the login.', details: { reason: message } };
}
