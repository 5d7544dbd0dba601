/**
 * @module test/support/bridgev2-setup
 * A bridgev2 connector wired to a fresh fake provisioning server and a ManualClock.
 */

import { ManualClock } from '../../src/clock.ts';
import { createBridgev2Bridge, type Bridgev2BridgeConfig } from '../../src/bridges/bridgev2/index.ts';
import type { Bridge, LoginProcess, StepOutcome } from '../../src/bridges/types.ts';
import { startFakeBridgev2, type FakeBridgev2, type FakeBridgev2Options } from './fake-bridgev2.ts';

export interface LogEntry {
  msg: string;
  data?: object;
}

export interface Bridgev2Setup {
  fake: FakeBridgev2;
  clock: ManualClock;
  bridge: Bridge;
  logs: LogEntry[];
  config: Bridgev2BridgeConfig;
  /** Starts a login and returns the process, its first outcome and the bridge's process id. */
  start(flowID: string, loginID?: string): Promise<{ process: LoginProcess; first: StepOutcome; processID: string }>;
  /** Another connector on the same fake and clock (a restarted server). */
  reconnect(): Bridge;
}

export async function setupBridgev2(
  t: { after: (fn: () => Promise<void>) => void },
  options: FakeBridgev2Options & { config?: Partial<Bridgev2BridgeConfig> } = {},
): Promise<Bridgev2Setup> {
  const { config: overrides, ...fakeOptions } = options;
  const clock = new ManualClock();
  const fake = await startFakeBridgev2({ clock, ...fakeOptions });
  const logs: LogEntry[] = [];
  const config: Bridgev2BridgeConfig = {
    id: 'dummy',
    type: 'dummy',
    displayName: 'Dummy',
    provider: 'self-hosted',
    enabled: true,
    provisioning: { url: fake.url, sharedSecret: fake.sharedSecret, userID: fake.userID },
    ...overrides,
  };
  const bridges: Bridge[] = [];
  const make = (): Bridge => {
    const bridge = createBridgev2Bridge(config, { clock, log: (msg, data) => logs.push({ msg, data }) });
    bridges.push(bridge);
    return bridge;
  };
  const bridge = make();
  t.after(async () => {
    for (const b of bridges) await b.close?.();
    await fake.close();
  });
  return {
    fake,
    clock,
    bridge,
    logs,
    config,
    reconnect: make,
    async start(flowID, loginID) {
      const before = new Set(fake.manager.history.keys());
      const started = await bridge.startLogin({
        flowID,
        signal: new AbortController().signal,
        ...(loginID !== undefined && { loginID }),
      });
      const processID = [...fake.manager.history.keys()].find((id) => !before.has(id)) ?? '';
      return { ...started, processID };
    },
  };
}


/** Number of log entries whose message contains `text`. */
export function countLogs(logs: LogEntry[], text: string): number {
  return logs.filter((l) => l.msg.includes(text)).length;
}

/** Narrows an outcome to a step (fails the test otherwise). */
export function stepOf(outcome: StepOutcome) {
  if (outcome.kind !== 'step') throw new Error(`expected a step, got ${JSON.stringify(outcome)}`);
  return outcome.step;
}
