/**
 * The real-bridge tests for one mautrix-go version: every flow of the Go test bridge through
 * this server's public HTTP API, then what only real processes and a real network show
 * (cancel, restarts, a SIGKILLed bridge, lost answers). Version differences are asserted
 * against expectations.ts, the source of docs/bridgev2.md's version table.
 */
import { after, before, describe } from 'node:test';
import type { TestBridgeVersion } from '../support/mautrix-test-bridge.ts';
import { BEHAVIOUR } from './expectations.ts';
import { failureTests } from './failures.ts';
import { flowTests } from './flows.ts';
import { startWorld, type World } from './harness.ts';

export function realBridgeSuite(version: TestBridgeVersion): void {
  const expected = BEHAVIOUR[version];
  describe(`mautrix-go ${version}`, { concurrency: false }, () => {
    let w: World;
    before(async () => {
      w = await startWorld(version);
    });
    after(async () => {
      await w?.close();
    });

    flowTests(() => w, expected);
    failureTests(() => w, expected);
  });
}
