/**
 * What `serve` writes: the banner for people, then log lines that are JSON when the output is
 * not a terminal (or with --log-format json) and one readable line each on a terminal (or with
 * --log-format pretty); never a log line that repeats the banner.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/start-server.ts';
import { startChildServer } from '../support/child-server.ts';
import { tempDir } from '../support/server.ts';

const PRETTY_LINE = /^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|DEBUG): /;

/** The lines after the banner (which ends with its "open in a browser" line). */
function logLines(output: string): string[] {
  const lines = output.split('\n').filter((l) => l !== '');
  const end = lines.findIndex((l) => l.includes('open in a browser'));
  assert.ok(end > 0, output);
  return lines.slice(end + 1).filter((l) => !/^SIG(TERM|INT): stopping/.test(l));
}

test('not on a terminal: the banner and no JSON line repeating it; requests at debug are JSON lines', async () => {
  const { dir, remove } = tempDir();
  const server = await startChildServer(dir, ['--log-level', 'debug']);
  try {
    assert.match(server.output(), /^bridge-login listening on http:\/\/127\.0\.0\.1:\d+\n/);
    assert.deepEqual(logLines(server.output()), [], 'nothing but the banner at start');
    await fetch(`${server.url}/v1/info`);
    await server.stop();
    const lines = logLines(server.output());
    assert.ok(lines.length >= 2, server.output());
    for (const line of lines) assert.equal(typeof JSON.parse(line).level, 'number', line);
    assert.ok(!lines.some((l) => /listening/i.test(l)), 'no line says again where the server listens');
  } finally {
    await server.stop();
    remove();
  }
});

test('--log-format pretty: one readable line each, no JSON record', async () => {
  const { dir, remove } = tempDir();
  const server = await startChildServer(dir, ['--log-level', 'debug', '--log-format', 'pretty']);
  try {
    await fetch(`${server.url}/v1/info`);
    await server.stop();
    const lines = logLines(server.output());
    assert.ok(lines.some((l) => /INFO: request completed .*"statusCode":200/.test(l)), server.output());
    for (const line of lines) assert.match(line, PRETTY_LINE);
  } finally {
    await server.stop();
    remove();
  }
});

test('on a terminal the format is pretty by default, and --log-format json keeps JSON there', async () => {
  for (const [format, pretty] of [[undefined, true], ['json', false]] as const) {
    const { dir, remove } = tempDir();
    let text = '';
    const out = Object.assign(new PassThrough(), { isTTY: true });
    out.on('data', (c: Buffer) => (text += c.toString()));
    const config = loadConfig({ port: 0, dataDir: dir, logLevel: 'debug', ...(format ? { logFormat: format } : {}) }, {});
    const app = await startServer(config, out);
    try {
      await fetch(`${app.baseURL()}/v1/info`);
    } finally {
      await app.close();
      remove();
    }
    if (pretty) {
      const lines = logLines(text);
      assert.ok(lines.length >= 2, text);
      // Coloured for the terminal: strip the colours to read the line.
      for (const line of lines) assert.match(line.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), ''), PRETTY_LINE);
    } else {
      assert.ok(!/INFO: /.test(text), 'no pretty line was written to the terminal stream');
    }
  }
});
