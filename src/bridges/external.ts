/**
 * Build the external bridges listed in the config. The bridgev2 connector plugs in here.
 */
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import type { Bridge } from './types.ts';

export function createBridgev2Bridges(ctx: { clock: Clock; config: Config }): Bridge[] {
  if (ctx.config.bridges.length > 0) {
    // INTEGRATION POINT (bridgev2 connector): map each entry to createBridgev2Bridge(entry, { clock }).
    throw new Error('external bridges are configured, but this build has no bridgev2 connector yet');
  }
  return [];
}
