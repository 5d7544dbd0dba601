/**
 * @module bridges/bridgev2/config
 * The configuration of one external mautrix bridgev2 bridge: a validated `bridges:` entry of
 * the config file. Defined here, with the connector that uses it; `config/config.ts` reads the
 * file into it.
 */
import type { Provider } from '../types.ts';

/** One `bridges:` entry of the config file, validated, with `${ENV_VAR}` secrets resolved. */
export interface Bridgev2BridgeConfig {
  /** `bridgeID` in the API. */
  id: string;
  type: string;
  displayName: string;
  provider: Provider;
  network?: string;
  /** Most logins this bridge allows; undefined means unlimited. */
  maxLogins?: number;
  enabled: boolean;
  provisioning: {
    /** Base URL of the provisioning API, e.g. `http://127.0.0.1:29318/_matrix/provision`. */
    url: string;
    /** The bridge's `provisioning.shared_secret`. Secret: never logged, never in an error. */
    sharedSecret: string;
    /** The Matrix user the logins belong to (`user_id` on every call). */
    userID: string;
  };
}
