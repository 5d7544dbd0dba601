/**
 * `npm run example-bridge`: a local mautrix bridgev2 bridge to try README's "Connecting a real
 * bridge" with. It is the real-bridge tests' Go test bridge on the newest mautrix-go of the
 * matrix, with the stub homeserver, on fixed ports, a fixed shared secret and `@me:example.org`
 * allowed to log in. Waiting steps are finished with `curl -X POST …/scan` (printed below).
 * Needs Go ≥ 1.26 and a C compiler; the first run builds the bridge.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BRIDGE_SOURCE, TEST_BRIDGE_VERSIONS, startTestBridge, testBridgeBinary } from '../test/support/mautrix-test-bridge.ts';
import { startStubHomeserver } from '../test/support/stub-homeserver.ts';

/** The ports and secret that README's example config (docs/example-bridge.yaml) names. */
export const EXAMPLE_PORT = 29318;
export const EXAMPLE_CONTROL_PORT = 29399;
export const EXAMPLE_SECRET = 'example-bridge-shared-secret';

const version = TEST_BRIDGE_VERSIONS[0];
const root = new URL('../', import.meta.url).pathname;

if (!existsSync(testBridgeBinary(version))) {
  console.log(`Building the example bridge (mautrix-go ${version}); the first build takes a few minutes…`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/real-bridges/build.ts'), version], {
    cwd: BRIDGE_SOURCE,
    stdio: 'inherit',
  });
}

const hs = await startStubHomeserver();
const bridge = await startTestBridge({
  version,
  dir: path.join(root, '.tmp/example-bridge'),
  homeserverURL: hs.url,
  port: EXAMPLE_PORT,
  controlPort: EXAMPLE_CONTROL_PORT,
  sharedSecret: EXAMPLE_SECRET,
  logLevel: 'info',
});

console.log(`
Example bridge (the mautrix-go ${version} test bridge) is running.

  provisioning API  ${bridge.url}
  shared secret     ${EXAMPLE_SECRET}
  may log in        any @…:example.org user, e.g. @me:example.org
  flows             password, password-2fa, cookies, qr, emoji, code, nothing, phone, network-error, slow

In another terminal, start bridge-login with it:

  EXAMPLE_BRIDGE_SECRET=${EXAMPLE_SECRET} npx bridge-login serve --config docs/example-bridge.yaml

When a session shows a QR code, emoji, a pairing code or "confirm on the other device",
"scan" it (the newest one waiting; add -d '{"username":"alice"}' to choose the login ID):

  curl -X POST ${bridge.controlURL}/scan

Ctrl+C stops the bridge.
`);

const stop = async (): Promise<void> => {
  await bridge.stop();
  await hs.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
bridge.child().once('exit', (code) => {
  console.error(`the bridge exited (${code}):\n${bridge.output().slice(-2000)}`);
  void hs.close().then(() => process.exit(1));
});
