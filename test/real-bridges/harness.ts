/**
 * One real-bridge world for one mautrix-go version: the stub homeserver, the Go test bridge
 * (behind a TCP proxy that can lose an answer), and this server started as users start it
 * (`bridge-login serve --config <file>`), with these bridges in its config:
 *
 * | id | what it is |
 * | --- | --- |
 * | `test` | the test bridge through the proxy, as `@me:example.org` |
 * | `limited` | the same bridge as a user with `max_logins: 1` |
 * | `relay` | the same bridge as a user without the login permission |
 * | `wrong-secret` | the same bridge with a wrong shared secret |
 * | `down` | a port where nothing listens |
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { client, startChildServer, type ChildServer } from '../support/child-server.ts';
import { eventually } from '../support/eventually.ts';
import { LIMITED_USER, RELAY_USER, freePort, startTestBridge, type TestBridge, type TestBridgeVersion } from '../support/mautrix-test-bridge.ts';
import { startStubHomeserver, type StubHomeserver } from '../support/stub-homeserver.ts';
import { startTCPProxy, type TCPProxy } from '../support/tcp-proxy.ts';

export const SESSIONS = '/v1/bridges/test/login-sessions';

export interface World {
  version: TestBridgeVersion;
  dir: string;
  hs: StubHomeserver;
  bridge: TestBridge;
  proxy: TCPProxy;
  server: ChildServer;
  api: ReturnType<typeof client>;
  /** A call to the bridge's provisioning API itself, as `userID`. */
  provision(method: string, pathAndQuery: string, userID?: string): Promise<{ status: number; body: any }>;
  /** Stops this server and starts it again on the same data directory and config. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the world; `options.config` is YAML appended to this server's config file. */
export async function startWorld(version: TestBridgeVersion, options: { config?: string } = {}): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), `real-bridge-${version}-`));
  const hs = await startStubHomeserver();
  const bridge = await startTestBridge({ version, dir: path.join(dir, 'bridge'), homeserverURL: hs.url });
  const proxy = await startTCPProxy(bridge.port);
  const downPort = await freePort();
  const provisioning = (url: string, userID: string, secret = '${TEST_BRIDGE_SECRET}'): string =>
    `    provisioning:\n      url: ${url}\n      sharedSecret: "${secret}"\n      userID: "${userID}"\n`;
  const entry = (id: string, body: string, extra = ''): string =>
    `  - id: ${id}\n    type: test\n    displayName: Test (${id})\n${extra}${body}`;
  const configPath = path.join(dir, 'bridge-login.yaml');
  writeFileSync(
    configPath,
    'demo: false\nbridges:\n' +
      entry('test', provisioning(`${proxy.url}/_matrix/provision`, '@me:example.org')) +
      entry('limited', provisioning(bridge.url, LIMITED_USER)) +
      entry('relay', provisioning(bridge.url, RELAY_USER)) +
      entry('wrong-secret', provisioning(bridge.url, '@me:example.org', 'not-the-shared-secret-at-all')) +
      entry('down', provisioning(`http://127.0.0.1:${downPort}/_matrix/provision`, '@me:example.org')) +
      (options.config ?? ''),
  );
  // As a user would: the secret comes from the environment, named in the config.
  process.env.TEST_BRIDGE_SECRET = bridge.sharedSecret;
  const dataDir = path.join(dir, 'data');
  const serve = (): Promise<ChildServer> => startChildServer(dataDir, ['--config', configPath]);
  const world: World = {
    version,
    dir,
    hs,
    bridge,
    proxy,
    server: await serve(),
    api: undefined as never,
    async provision(method, pathAndQuery, userID = '@me:example.org') {
      const sep = pathAndQuery.includes('?') ? '&' : '?';
      const res = await fetch(`${bridge.url}${pathAndQuery}${sep}user_id=${encodeURIComponent(userID)}`, {
        method,
        headers: { authorization: `Bearer ${bridge.sharedSecret}` },
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async restartServer() {
      await world.server.stop();
      world.server = await serve();
      world.api = client(world.server.url, world.server.token);
    },
    async close() {
      await world.server.stop();
      await bridge.stop();
      await proxy.close();
      await hs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  world.api = client(world.server.url, world.server.token);
  return world;
}

/** Polls `read` (never blocking calls) until `accept` holds; fails with the last value seen. */
export async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  let last: T | undefined;
  try {
    const found = await eventually(
      async () => {
        last = await read();
        return accept(last) ? { value: last } : undefined;
      },
      what,
      { timeoutMs },
    );
    return found.value;
  } catch (error) {
    return assert.fail(`${(error as Error).message}; last: ${JSON.stringify(last)}`);
  }
}

/** GET of a session, polled until `accept` holds. */
export function sessionWhere(w: World, id: string, accept: (s: any) => boolean, what: string, timeoutMs?: number): Promise<any> {
  return until(async () => (await w.api('GET', `${SESSIONS}/${id}`)).body, accept, `session ${what}`, timeoutMs);
}

/** Creates a session on `test` with `flowID` (and `loginID` for a reconnect). */
export async function create(w: World, flowID: string, extra: object = {}, bridgeID = 'test'): Promise<{ status: number; body: any }> {
  return w.api('POST', `/v1/bridges/${bridgeID}/login-sessions`, { flowID, ...extra });
}

/** Submits the session's current step. */
export async function submit(w: World, session: any, fields: Record<string, string>): Promise<any> {
  const step = session.currentStep;
  const res = await w.api('POST', `${SESSIONS}/${session.loginSessionID}/steps/${encodeURIComponent(step.stepID)}`, {
    type: step.type,
    fields,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** How many `display_and_wait` long-polls of `processID` went through the proxy so far. */
export function pollCount(w: World, processPart = ''): number {
  return w.proxy.requestLines.filter((l) => l.includes('/display_and_wait') && l.includes(processPart)).length;
}

/** The world `get` returns when a test runs (the suite's `before` starts it after tests are defined). */
export function lazyWorld(get: () => World): World {
  return new Proxy({} as World, { get: (_, key) => get()[key as keyof World] });
}
