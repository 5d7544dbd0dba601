/**
 * The program talks to the world only through the IO it is given: the environment that names
 * the server and token, the output streams and the exit code all come from `buildProgram(io)`.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { buildProgram, type ProgramIO } from '../../src/cli/program.ts';
import { startTestServer } from '../support/server.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

/** Runs the program on `args` with only `env` from outside; answers what it wrote and its exits. */
async function runWith(env: ProgramIO['env'], args: string[]): Promise<{ stdout: string; stderr: string; exits: number[] }> {
  const stdout = capture();
  const stderr = capture();
  const exits: number[] = [];
  const io: ProgramIO = {
    stdin: new PassThrough(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env,
    fetch: globalThis.fetch,
    clock: new ManualClock(0),
    tokenFilePath: 'no-token-file',
    readTokenFile: () => undefined,
    onInterrupt: () => () => {},
    exit: (code) => void exits.push(code),
  };
  await buildProgram(io).parseAsync(args, { from: 'user' });
  return { stdout: stdout.text(), stderr: stderr.text(), exits };
}

test('client commands read the server and token from the given environment, and write to the given streams', async () => {
  const s = await startTestServer();
  try {
    const { stdout, stderr, exits } = await runWith({ BEEPER_DESKTOP_BASE_URL: s.baseURL, BEEPER_ACCESS_TOKEN: s.token }, ['bridges', '--json']);
    assert.deepEqual(exits, [0], stderr);
    const bridges = JSON.parse(stdout) as { items?: { id: string }[] } | { id: string }[];
    const ids = (Array.isArray(bridges) ? bridges : (bridges.items ?? [])).map((b) => b.id);
    assert.ok(ids.includes('demo'), stdout);
  } finally {
    await s.close();
  }
});

test('client commands follow the official SDK\'s BEEPER_BASE_URL, over BEEPER_DESKTOP_BASE_URL', async () => {
  const s = await startTestServer();
  try {
    // Port 9 (discard) has nothing listening: were BEEPER_DESKTOP_BASE_URL used, the command would fail.
    const { stdout, stderr, exits } = await runWith({ BEEPER_BASE_URL: s.baseURL, BEEPER_DESKTOP_BASE_URL: 'http://127.0.0.1:9', BEEPER_ACCESS_TOKEN: s.token }, ['accounts', '--json']);
    assert.deepEqual(exits, [0], stderr);
    assert.deepEqual(JSON.parse(stdout), []);
  } finally {
    await s.close();
  }
});
