/**
 * `token list`: a header row like the client's lists, and `--json` for scripts; whose each token is
 * (the owner or a person) and when it expires; never a secret.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { runCLI } from './cli-in-process.ts';
import { tempDir } from '../support/server.ts';

/** Run the program in this process on `dir`, at `clock`'s time, with `env` added; resolves with what it wrote. */
function cli(args: string[], dir: string, clock = new ManualClock(0), env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return runCLI(args, { BRIDGE_LOGIN_DATA_DIR: dir, ...env }, clock);
}

test('token list: a header row, one row per token, revoked ones marked; --json gives the same tokens as objects', async () => {
  const { dir, remove } = tempDir();
  try {
    const secret = (await cli(['token', 'create', '--name', 'laptop'], dir)).stdout.trim().split('\n').at(-1)!;
    await cli(['token', 'create', '--name', 'ci'], dir);
    const json = JSON.parse((await cli(['token', 'list', '--json'], dir)).stdout) as { id: string; name: string; createdAt: string; revokedAt?: string }[];
    assert.deepEqual(json.map((t) => t.name).sort(), ['ci', 'laptop']);
    for (const t of json) {
      assert.match(t.id, /^[0-9a-f]{12}$/);
      assert.ok(!Number.isNaN(Date.parse(t.createdAt)), t.createdAt);
      assert.equal(t.revokedAt, undefined);
    }
    const ci = json.find((t) => t.name === 'ci')!;
    await cli(['token', 'revoke', ci.id], dir);

    const table = (await cli(['token', 'list'], dir)).stdout;
    const [header, ...rows] = table.trimEnd().split('\n');
    assert.match(header!, /^ID {2,}NAME {2,}USER {2,}CREATED {2,}EXPIRES {2,}STATUS$/);
    assert.equal(rows.length, 2);
    assert.match(rows.find((r) => r.startsWith(ci.id))!, /\bci\b.*revoked \d{4}-/);
    assert.match(rows.find((r) => !r.startsWith(ci.id))!, /\blaptop {2,}owner {2,}\S+ {2,}never {2,}active$/);
    const after = JSON.parse((await cli(['token', 'list', '--json'], dir)).stdout) as { id: string; revokedAt?: string }[];
    assert.ok(after.find((t) => t.id === ci.id)?.revokedAt);
    assert.ok(!table.includes(secret) && !JSON.stringify(after).includes(secret), 'never a secret');
  } finally {
    remove();
  }
});

test('token list --json on a data directory without tokens is an empty list, not the sentence for people', async () => {
  const { dir, remove } = tempDir();
  try {
    assert.deepEqual(JSON.parse((await cli(['token', 'list', '--json'], dir)).stdout), []);
    assert.match((await cli(['token', 'list'], dir)).stdout, /^No tokens yet/);
  } finally {
    remove();
  }
});

test("token list: a person's token shows their MXID and its expiry, and reads expired once that has passed", async () => {
  const { dir, remove } = tempDir();
  try {
    const start = Date.parse('2026-03-01T00:00:00.000Z');
    const clock = new ManualClock(start);
    const ttl = 30 * 24 * 3600; // auth.tokenTTLSeconds' default
    const created = await cli(['token', 'create', '--name', 'phone', '--user', '@alice:example.org'], dir, clock);
    const expiresAt = new Date(start + ttl * 1000).toISOString();
    assert.match(created.stdout, new RegExp(`for @alice:example\\.org, until ${expiresAt.replace(/\./g, '\\.')}`));
    const secret = created.stdout.trim().split('\n').at(-1)!;
    clock.advance(1); // list order is creation order
    await cli(['token', 'create', '--name', 'admin'], dir, clock);

    const json = JSON.parse((await cli(['token', 'list', '--json'], dir, clock)).stdout) as { name: string; userID: string | null; expiresAt: string | null }[];
    assert.deepEqual(
      json.map((t) => [t.name, t.userID, t.expiresAt]),
      [['phone', '@alice:example.org', expiresAt], ['admin', null, null]],
    );
    const rowOf = (table: string, name: string) => table.split('\n').find((r) => r.includes(` ${name} `))!;
    const before = (await cli(['token', 'list'], dir, clock)).stdout;
    assert.match(rowOf(before, 'phone'), new RegExp(`@alice:example\\.org {2,}\\S+ {2,}${expiresAt.replace(/\./g, '\\.')} {2,}active$`));
    assert.match(rowOf(before, 'admin'), / owner {2,}\S+ {2,}never {2,}active$/);

    clock.advance(ttl * 1000 - 1);
    const after = (await cli(['token', 'list'], dir, clock)).stdout;
    assert.match(rowOf(after, 'phone'), /@alice:example\.org .* expired$/);
    assert.match(rowOf(after, 'admin'), / never {2,}active$/);
    assert.ok(!before.includes(secret) && !after.includes(secret), 'never a secret');
  } finally {
    remove();
  }
});

test('token commands with a config they cannot use say why in one line and exit 78, not with a stack trace', async () => {
  const { dir, remove } = tempDir();
  try {
    const config = path.join(dir, 'bridge-login.yaml');
    writeFileSync(config, 'bridges:\n  - id: wa\n    type: whatsapp\n    provisioning:\n      url: http://127.0.0.1:9/_matrix/provision\n      sharedSecret: ${NOT_SET_IN_THIS_TEST}\n      userID: "@admin:example.org"\n');
    for (const args of [['token', 'create'], ['token', 'list'], ['token', 'revoke', 'abc']]) {
      const { stdout, stderr, exitCode } = await cli(args, dir, new ManualClock(0), { BRIDGE_LOGIN_CONFIG: config });
      assert.equal(stdout, '', args.join(' '));
      assert.match(stderr, /^bridge-login: .*NOT_SET_IN_THIS_TEST is not set\n$/, args.join(' '));
      assert.equal(exitCode, 78, args.join(' '));
    }
  } finally {
    remove();
  }
});
