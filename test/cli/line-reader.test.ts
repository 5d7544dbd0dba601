import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LineReader } from '../../src/cli/client/terminal/line-reader.ts';

function sink(): PassThrough & { text(): string } {
  const stream = new PassThrough() as PassThrough & { text(): string };
  let written = '';
  stream.on('data', (c: Buffer) => (written += c.toString()));
  stream.text = () => written;
  return stream;
}

/** A stand-in for a terminal's standard input: records raw mode. */
function fakeTTY(): PassThrough & { isTTY: true; rawModes: boolean[]; setRawMode(mode: boolean): void; isRaw: boolean } {
  const stream = new PassThrough() as PassThrough & { isTTY: true; rawModes: boolean[]; setRawMode(mode: boolean): void; isRaw: boolean };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.isRaw = false;
  stream.setRawMode = (mode) => {
    stream.rawModes.push(mode);
    stream.isRaw = mode;
  };
  return stream;
}

describe('LineReader from a pipe', () => {
  it('reads lines in order across chunks, CRLF or LF, and the last line without a newline', async () => {
    const input = new PassThrough();
    const out = sink();
    const reader = new LineReader(input, out, () => assert.fail('no interrupt'));
    input.write('ann\r\nse');
    input.end('cret\nlast');
    assert.equal(await reader.readLine('User: '), 'ann');
    assert.equal(await reader.readLine('Password: ', { mask: true }), 'secret');
    assert.equal(await reader.readLine('More: '), 'last');
    assert.equal(await reader.readLine('Again: '), undefined);
    reader.close();
    assert.equal(out.text(), 'User: \nPassword: \nMore: \nAgain: \n');
  });
});

describe('LineReader from a terminal', () => {
  it('does not echo a masked answer, and echoes a plain one', async () => {
    const input = fakeTTY();
    const out = sink();
    const reader = new LineReader(input, out, () => assert.fail('no interrupt'));
    const password = reader.readLine('Password: ', { mask: true });
    assert.equal(input.isRaw, true, 'raw mode while reading');
    input.write('hunter2\r');
    assert.equal(await password, 'hunter2');
    assert.equal(input.isRaw, false, 'raw mode off after the answer');
    const name = reader.readLine('Name: ');
    input.write('ann\r');
    assert.equal(await name, 'ann');
    reader.close();
    assert.equal(out.text(), 'Password: \nName: ann\n');
    assert.doesNotMatch(out.text(), /hunter2/);
  });

  it('handles backspace, Ctrl+U and skips arrow keys', async () => {
    const input = fakeTTY();
    const reader = new LineReader(input, sink(), () => undefined);
    const answer = reader.readLine('> ');
    input.write('wrong\x15ab\x7fc\x1b[D\x1bOAd\r');
    assert.equal(await answer, 'acd');
    reader.close();
  });

  it('keeps the rest of a pasted chunk for the next read', async () => {
    const input = fakeTTY();
    const reader = new LineReader(input, sink(), () => undefined);
    const first = reader.readLine('> ', { mask: true });
    input.write("curl 'https://x' \\\r  -H 'Cookie: a=1'\r");
    assert.equal(await first, "curl 'https://x' \\");
    assert.equal(await reader.readLine('', { mask: true }), "  -H 'Cookie: a=1'");
    reader.close();
  });

  it('reports Ctrl+C, and Ctrl+D on an empty line ends the input', async () => {
    const input = fakeTTY();
    let interrupts = 0;
    const reader = new LineReader(input, sink(), () => (interrupts += 1));
    const answer = reader.readLine('> ');
    input.write('x\x03');
    await new Promise((r) => setImmediate(r));
    assert.equal(interrupts, 1);
    input.write('\x7f\x04');
    assert.equal(await answer, undefined);
    reader.close();
  });

  it('rejects with the reason when aborted, leaving raw mode', async () => {
    const input = fakeTTY();
    const reader = new LineReader(input, sink(), () => undefined);
    const controller = new AbortController();
    const answer = reader.readLine('> ', { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await assert.rejects(answer, /cancelled/);
    assert.equal(input.isRaw, false);
    reader.close();
  });
});
