import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import type { DisplayAndWaitStep } from '../../src/cli/client/api-types.ts';
import { DisplayView } from '../../src/cli/client/commands/display-view.ts';
import { Screen } from '../../src/cli/client/terminal/screen.ts';
import { createStyle } from '../../src/cli/client/terminal/style.ts';

function setUp(isTTY: boolean, env: Record<string, string> = {}) {
  const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  out.isTTY = isTTY;
  out.columns = 80;
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const view = new DisplayView(new Screen(out, createStyle(out, env)), clock, 80);
  return { view, clock, text: () => text };
}

const qr = (data: string): DisplayAndWaitStep => ({
  type: 'display_and_wait',
  stepID: 'demo.qr',
  display: { type: 'qr', data, expiresAt: '2026-01-01T00:00:20Z' },
});

describe('DisplayView', () => {
  it('off a terminal: the QR code without escapes, its data, how long it is valid; a refresh is printed below', async () => {
    const { view, text } = setUp(false);
    await view.show(qr('http://x/demo/scan/one'));
    await view.show(qr('http://x/demo/scan/one')); // the same code is not drawn twice
    assert.equal(text().match(/QR code data/g)?.length, 1);
    assert.match(text(), /Scan this QR code with the app on your phone:\n\n {2}[█▀▄ ]+\n/);
    assert.match(text(), /QR code data: http:\/\/x\/demo\/scan\/one\nThis code is valid for 20 s\.\n$/);
    assert.doesNotMatch(text(), /\x1b/); // eslint-disable-line no-control-regex
    await view.show(qr('http://x/demo/scan/two'));
    assert.match(text(), /\nThe code was refreshed:\n[\s\S]*QR code data: http:\/\/x\/demo\/scan\/two\n/);
  });

  it('on a terminal: the coloured QR code, replaced in place on refresh', async () => {
    const { view, text } = setUp(true);
    await view.show(qr('http://x/demo/scan/one'));
    const drawn = text();
    assert.match(drawn, /\x1b\[47m/, 'the terminal renderer draws on a white background'); // eslint-disable-line no-control-regex
    assert.doesNotMatch(drawn, /QR code data/);
    const lines = drawn.split('\n').length - 1;
    await view.show(qr('http://x/demo/scan/two'));
    assert.ok(text().slice(drawn.length).startsWith(`\x1b[${lines}F\x1b[J`), 'moves up over the old drawing and erases it');
    assert.doesNotMatch(text(), /The code was refreshed/);
  });

  it('a pairing code: big letters, then the code as text', async () => {
    const { view, text } = setUp(false);
    await view.show({ type: 'display_and_wait', stepID: 'demo.code', instructions: 'Enter it.', display: { type: 'code', data: 'K7Q2-M9XD' } });
    assert.match(text(), /Enter it\.\n\n( {2}[█ ]+\n){5}\n {2}Code: K7Q2-M9XD\n/);
  });

  it('an emoji check: the instructions and the emoji in bold; a picture is named only when it is a link', async () => {
    const { view, text } = setUp(false);
    await view.show({ type: 'display_and_wait', stepID: 'x.emoji', instructions: 'Compare these.', display: { type: 'emoji', data: '🐶 🍕 🚲', imageURL: 'https://x.example/emoji.png' } });
    assert.match(text(), /Compare these\.\n\n {2}🐶 🍕 🚲\n\n {2}Picture: https:\/\/x\.example\/emoji\.png\n/);
    const other = setUp(false);
    await other.view.show({ type: 'display_and_wait', stepID: 'x.emoji2', display: { type: 'emoji', data: '🐱', imageURL: 'data:image/png;base64,AAAA' } });
    assert.match(other.text(), /Check that your other device shows the same emoji:\n\n {2}🐱\n/);
    assert.doesNotMatch(other.text(), /Picture|data:image/);
    assert.equal(other.view.waitingText({ type: 'display_and_wait', stepID: 'x.emoji2', display: { type: 'emoji', data: '🐱', imageURL: 'data:,' } })(), 'Waiting for the emoji to be confirmed · Ctrl+C to cancel');
  });

  it('words the wait with a live countdown', () => {
    const { view, clock } = setUp(false);
    const waiting = view.waitingText(qr('http://x'));
    assert.equal(waiting(), 'Waiting for the QR code to be scanned · valid for 20 s · Ctrl+C to cancel');
    clock.advance(15_500);
    assert.equal(waiting(), 'Waiting for the QR code to be scanned · valid for 5 s · Ctrl+C to cancel');
    clock.advance(5_000);
    assert.equal(waiting(), 'Waiting for the QR code to be scanned · expired, a new one is on its way · Ctrl+C to cancel');
  });
});
