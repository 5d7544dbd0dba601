// A `bridges:` entry of the YAML config, with its secret from the environment, becomes a
// working bridgev2 connector.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { createBridgev2Bridges } from '../../src/bridges/external.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startFakeBridgev2 } from '../support/fake-bridgev2.ts';
import { tempDir } from '../support/server.ts';

test('a YAML bridges entry with ${ENV_VAR} secret drives the bridge', async (t) => {
  const clock = new ManualClock();
  const fake = await startFakeBridgev2({ clock });
  const { dir, remove } = tempDir();
  t.after(async () => {
    await fake.close();
    remove();
  });
  const file = path.join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'bridges:',
      '  - id: local-dummy',
      '    type: dummy',
      '    displayName: Dummy',
      '    maxLogins: 1',
      '    provisioning:',
      `      url: ${fake.url}/`,
      '      sharedSecret: ${DUMMY_PROVISIONING_SECRET}',
      `      userID: "${fake.userID}"`,
      'demo: false',
      '',
    ].join('\n'),
  );
  const config = loadConfig({ config: file, dataDir: dir }, { DUMMY_PROVISIONING_SECRET: fake.sharedSecret });
  const [bridge, ...rest] = createBridgev2Bridges({ clock, config });
  assert.ok(bridge);
  assert.equal(rest.length, 0);
  t.after(async () => bridge.close?.());
  assert.deepEqual(bridge.descriptor, {
    id: 'local-dummy',
    type: 'dummy',
    displayName: 'Dummy',
    provider: 'self-hosted',
    supportsMultipleAccounts: false,
    maxLogins: 1,
    enabled: true,
    removeScopes: ['all-devices'],
  });
  assert.equal((await bridge.flows())[0]?.id, 'password');
  assert.deepEqual(await bridge.health(), { reachable: true });
});

test('a provisioning URL with a user name or password is refused at start, without repeating it', () => {
  const { dir, remove } = tempDir();
  try {
    const file = path.join(dir, 'config.yaml');
    writeFileSync(
      file,
      ['bridges:', '  - id: b', '    type: dummy', '    provisioning:', '      url: http://admin:hunter2pass@127.0.0.1:29319/_matrix/provision', '      sharedSecret: s', '      userID: "@a:example.com"', ''].join('\n'),
    );
    assert.throws(
      () => loadConfig({ config: file, dataDir: dir }, {}),
      (err: Error) => /bridges\[0\]\.provisioning\.url/.test(err.message) && /user name or password/.test(err.message) && !err.message.includes('hunter2pass'),
    );
  } finally {
    remove();
  }
});
