/** `token list`: a header row like the client's lists, and `--json` for scripts; never a secret. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { buildProgram, type ProgramIO } from '../../src/cli/program.ts';
import { tempDir } from '../support/server.ts';

/** Run the program in this process on `dir`; resolves with what it wrote. */
async function cli(args: string[], dir: string): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
  const io: ProgramIO = {
    stdin: new PassThrough(),
    stdout: out,
    stderr: err,
    env: { BRIDGE_LOGIN_DATA_DIR: dir },
    fetch: globalThis.fetch,
    clock: new ManualClock(0),
    tokenFilePath: 'no-token-file',
    readTokenFile: () => undefined,
    onInterrupt: () => () => {},
    exit: () => {},
  };
  await buildProgram(io).parseAsync(args, { from: 'user' });
  return { stdout, stderr };
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
    assert.match(header!, /^ID {2,}NAME {2,}CREATED {2,}STATUS$/);
    assert.equal(rows.length, 2);
    assert.match(rows.find((r) => r.startsWith(ci.id))!, /\bci\b.*revoked \d{4}-/);
    assert.match(rows.find((r) => !r.startsWith(ci.id))!, /\blaptop\b.*active$/);
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
