/**
 * Builds the Go test bridge for every mautrix-go version of the matrix (or the ones named on
 * the command line). Needs Go and a C compiler (SQLite is cgo); Go's module and build caches
 * make a second run take seconds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { BRIDGE_SOURCE, TEST_BRIDGE_VERSIONS, goBuildArgs, type TestBridgeVersion } from '../support/mautrix-test-bridge.ts';

/** mautrix-go v0.32 and later declare `go 1.26.0`. */
const MIN_GO = [1, 26] as const;

function requireTools(): void {
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error('`go` was not found: the real-bridge tests need Go ≥ 1.26 (https://go.dev/dl/)');
  }
  const [major = 0, minor = 0] = go.stdout.trim().replace(/^go/, '').split('.').map(Number);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(`Go ${go.stdout.trim()} is too old: the real-bridge tests need Go ≥ ${MIN_GO.join('.')}`);
  }
  const cc = spawnSync(process.env.CC ?? 'cc', ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    throw new Error('no C compiler (`cc`) was found: the test bridge needs cgo for SQLite (e.g. apt-get install gcc)');
  }
}

const wanted = process.argv.slice(2) as TestBridgeVersion[];
for (const v of wanted) {
  if (!TEST_BRIDGE_VERSIONS.includes(v)) throw new Error(`unknown version ${v}; known: ${TEST_BRIDGE_VERSIONS.join(', ')}`);
}
requireTools();
for (const version of wanted.length > 0 ? wanted : TEST_BRIDGE_VERSIONS) {
  const started = Date.now();
  execFileSync('go', goBuildArgs(version), {
    cwd: BRIDGE_SOURCE,
    stdio: 'inherit',
    // No toolchain download: the installed Go builds every version.
    env: { ...process.env, CGO_ENABLED: '1', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false -mod=readonly' },
  });
  console.log(`built the test bridge on mautrix-go ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
