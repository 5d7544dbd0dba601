/**
 * @module bridges/bridgev2
 * The connector for external mautrix bridgev2 bridges, driven through their provisioning API
 * (`/_matrix/provision/v3`). The config loader builds one per `bridges:` entry.
 *
 * @example
 * const bridge = createBridgev2Bridge(
 *   { id: 'local-whatsapp', type: 'whatsapp', displayName: 'WhatsApp', provider: 'self-hosted', enabled: true,
 *     provisioning: { url: 'http://127.0.0.1:29318/_matrix/provision', sharedSecret, userID: '@me:example.org' } },
 *   { clock: systemClock },
 * );
 */

import type { Bridge } from '../types.ts';
import { Bridgev2Bridge, type Bridgev2Deps } from './bridge.ts';
import type { Bridgev2BridgeConfig } from './config.ts';

export type { Bridgev2BridgeConfig } from './config.ts';
export type { Bridgev2Deps } from './bridge.ts';
export type { Bridgev2ResumeState } from './login-process.ts';
export {
  ProvisioningError,
  ProvisioningHTTPError,
  ProvisioningNetworkError,
  ProvisioningTimeoutError,
} from './errors.ts';

/** Builds the {@link Bridge} for one configured bridgev2 bridge. Nothing is contacted until used. */
export function createBridgev2Bridge(config: Bridgev2BridgeConfig, deps: Bridgev2Deps): Bridge {
  return new Bridgev2Bridge(config, deps);
}
