/**
 * The one translation of a bridge's typed exceptions into the error catalogue. A connector
 * throws these (`types.ts`); every caller of a bridge maps them here, not in a catch of its own.
 */
import { ApiError } from '../errors.ts';
import { BridgeUnavailableError, LoginLimitError, UnknownLoginError, UnsupportedRemovalError } from './types.ts';

/** 503 `bridge_unavailable` for a bridge that did not answer, answered nonsense, or refused this server. */
export function unreachable(bridgeID: string, err: unknown): ApiError {
  return new ApiError('bridge_unavailable', `bridge "${bridgeID}" is unavailable: ${err instanceof Error ? err.message : String(err)}`);
}

/** The API error a bridge's exception stands for, or undefined when it is not one of the typed ones. */
export function bridgeError(bridgeID: string, err: unknown): ApiError | undefined {
  if (err instanceof BridgeUnavailableError) return unreachable(bridgeID, err);
  if (err instanceof LoginLimitError) return new ApiError('login_limit_reached', err.message);
  if (err instanceof UnknownLoginError) return new ApiError('unknown_login', err.message);
  if (err instanceof UnsupportedRemovalError) return new ApiError('unsupported_scope', err.message);
  return undefined;
}

/** Run a call on a bridge, turning its typed exceptions into their API errors. */
export async function onBridge<T>(bridgeID: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw bridgeError(bridgeID, err) ?? err;
  }
}
