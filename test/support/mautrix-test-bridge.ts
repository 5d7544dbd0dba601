/**
 * @module test/support/mautrix-test-bridge
 * Builds and runs the Go test bridge (test/bridges/mautrix-test-bridge) on a given mautrix-go
 * version: one source tree, one go.mod per version (`go build -modfile=…`), binaries under
 * `.tmp/test-bridges/<version>/`. Go's own build cache makes a second build near-instant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { eventually } from './eventually.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
export const BRIDGE_SOURCE = path.join(ROOT, 'test/bridges/mautrix-test-bridge');

/** The mautrix-go versions the test bridge is built and tested against, newest first. */
export const TEST_BRIDGE_VERSIONS = ['v0.33.0', 'v0.30.0', 'v0.29.0', 'v0.26.0'] as const;
export type TestBridgeVersion = (typeof TEST_BRIDGE_VERSIONS)[number];

/** Where the binary for `version` is built. */
export function testBridgeBinary(version: TestBridgeVersion): string {
  return path.join(ROOT, '.tmp/test-bridges', version, 'mautrix-test-bridge');
}

/** `go build` for `version`: the newest uses go.mod, the others go.<version>.mod. */
export function goBuildArgs(version: TestBridgeVersion): string[] {
  // What the connector API lacks or adds by version: v0.26.0 has no attachments or default
  // values, v0.32+ has optional input fields.
  const tags = ['nocrypto', ...(version === 'v0.26.0' ? ['mautrix_v026'] : []), ...(version === 'v0.33.0' ? ['mautrix_v032'] : [])];
  const modfile = version === TEST_BRIDGE_VERSIONS[0] ? [] : [`-modfile=go.${version}.mod`];
  return ['build', ...modfile, '-tags', tags.join(','), '-o', testBridgeBinary(version), '.'];
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestBridgeOptions {
  version: TestBridgeVersion;
  /** Holds the bridge's config and database. */
  dir: string;
  homeserverURL: string;
  /** Port of the appservice listener (provisioning API); free one when absent. */
  port?: number;
  /** Port of the test-only control listener; free one when absent. */
  controlPort?: number;
  sharedSecret?: string;
  logLevel?: string;
}

export interface TestBridge {
  version: TestBridgeVersion;
  /** Provisioning base URL, ending in `/_matrix/provision`. */
  url: string;
  port: number;
  controlURL: string;
  sharedSecret: string;
  child(): ChildProcess;
  output(): string;
  /** POSTs to the control listener. */
  control(what: 'scan' | 'refresh' | 'tick' | 'login-state', body?: object): Promise<{ status: number; body: any }>;
  /** Sends `signal` (default SIGTERM) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again on the same config and database. */
  restart(): Promise<void>;
}

/** The users the test bridge knows: `@…:example.org` may log in; these two are special. */
export const LIMITED_USER = '@limited:example.org';
export const RELAY_USER = '@relay:example.org';

function bridgeConfig(o: { hs: string; port: number; controlPort: number; secret: string; db: string; logLevel: string }): string {
  const token = (): string => randomBytes(16).toString('hex');
  return `homeserver:
    address: ${o.hs}
    domain: example.org
appservice:
    address: http://127.0.0.1:${o.port}
    hostname: 127.0.0.1
    port: ${o.port}
    id: test
    bot:
        username: testbot
    as_token: ${token()}
    hs_token: ${token()}
database:
    type: sqlite3-fk-wal
    uri: file:${o.db}?_txlock=immediate
provisioning:
    shared_secret: ${o.secret}
bridge:
    bridge_status_notices: none
    permissions:
        "example.org": user
        "${LIMITED_USER}": {send_events: true, commands: true, login: true, max_logins: 1}
        "${RELAY_USER}": relay
logging:
    min_level: ${o.logLevel}
    writers:
        - type: stdout
          format: json
network:
    control_listen: 127.0.0.1:${o.controlPort}
`;
}

/** Starts the built test bridge and resolves once its provisioning API answers. */
export async function startTestBridge(options: TestBridgeOptions): Promise<TestBridge> {
  const binary = testBridgeBinary(options.version);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run "npm run test:bridges" (it builds it)`);
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const controlPort = options.controlPort ?? (await freePort());
  const sharedSecret = options.sharedSecret ?? randomBytes(24).toString('hex');
  const configPath = path.join(options.dir, 'config.yaml');
  writeFileSync(
    configPath,
    bridgeConfig({
      hs: options.homeserverURL,
      port,
      controlPort,
      secret: sharedSecret,
      db: path.join(options.dir, 'bridge.db'),
      logLevel: options.logLevel ?? 'warn',
    }),
  );
  const url = `http://127.0.0.1:${port}/_matrix/provision`;
  const controlURL = `http://127.0.0.1:${controlPort}`;
  let out = '';
  let child!: ChildProcess;
  let exited!: Promise<void>;

  const launch = async (): Promise<void> => {
    child = spawn(binary, ['-c', configPath, '-n'], { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitForProvisioning(url, sharedSecret, () => child.exitCode !== null || child.signalCode !== null, () => out);
  };
  await launch();

  return {
    version: options.version,
    url,
    port,
    controlURL,
    sharedSecret,
    child: () => child,
    output: () => out,
    async control(what, body = {}) {
      const res = await fetch(`${controlURL}/${what}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    restart: launch,
  };
}

/** Polls the provisioning API until it answers (the bridge has started) or the process exits. */
async function waitForProvisioning(url: string, secret: string, dead: () => boolean, output: () => string): Promise<void> {
  const answers = async (): Promise<boolean> => {
    if (dead()) throw new Error(`the test bridge exited during start:\n${output()}`);
    try {
      const res = await fetch(`${url}/v3/login/flows?user_id=@probe:example.org`, { headers: { authorization: `Bearer ${secret}` } });
      return res.ok;
    } catch {
      return false; // not listening yet
    }
  };
  await eventually(answers, 'the test bridge to answer', { timeoutMs: 60_000 }).catch((error: Error) => {
    throw new Error(`${error.message}; its output:\n${output()}`);
  });
}
