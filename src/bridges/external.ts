/**
 * Build the external bridges listed in the config: one bridgev2 connector per `bridges:` entry.
 */
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import { createBridgev2Bridge } from './bridgev2/index.ts';
import type { Bridge } from './types.ts';

export function createBridgev2Bridges(ctx: { clock: Clock; config: Config; log?: (msg: string, data?: object) => void }): Bridge[] {
  return ctx.config.bridges.map((entry) => createBridgev2Bridge(entry, { clock: ctx.clock, ...(ctx.log && { log: ctx.log }) }));
}
