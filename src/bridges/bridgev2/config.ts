/**
 * @module bridges/bridgev2/config
 * The configuration of one external mautrix bridgev2 bridge: a validated `bridges:` entry of
 * the config file, as `config/config.ts` defines and produces it.
 */
export type { ExternalBridgeConfig as Bridgev2BridgeConfig } from '../../config/config.ts';
