import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { renderBigText, spacedCode } from '../../src/cli/client/terminal/big-text.ts';
import { formatRemaining, msUntil } from '../../src/cli/client/terminal/durations.ts';
import { Progress } from '../../src/cli/client/terminal/progress.ts';
import { renderQR } from '../../src/cli/client/terminal/qr.ts';
import { createStyle, stripAnsi } from '../../src/cli/client/terminal/style.ts';
import { renderTable } from '../../src/cli/client/terminal/table.ts';

const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex

function output(isTTY: boolean): PassThrough & { isTTY: boolean; columns: number; text(): string } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; text(): string };
  let written = '';
  stream.on('data', (c: Buffer) => (written += c.toString()));
  stream.isTTY = isTTY;
  stream.columns = 80;
  stream.text = () => written;
  return stream;
}

describe('renderTable', () => {
  it('aligns columns two spaces apart, without trailing spaces', () => {
    const table = renderTable(
      ['ID', 'NAME', 'STATUS'],
      [
        ['demo', 'Demo Chat', 'available'],
        ['whatsapp', 'WhatsApp', ''],
      ],
    );
    assert.equal(table, ['ID        NAME       STATUS', 'demo      Demo Chat  available', 'whatsapp  WhatsApp'].join('\n') + '\n');
  });
});

describe('renderBigText', () => {
  it('draws each character five lines high, one column apart', () => {
    const lines = renderBigText('1-A')!;
    assert.equal(lines.length, 5);
    assert.deepEqual(lines, ['  █          ███', ' ██         █   █', '  █    ███  █████', '  █         █   █', ' ███        █   █']);
  });
  it('reads lower case as upper case', () => assert.deepEqual(renderBigText('k7'), renderBigText('K7')));
  it('gives up on characters it cannot draw, or when too wide', () => {
    assert.equal(renderBigText('A_B'), undefined);
    assert.equal(renderBigText(''), undefined);
    assert.equal(renderBigText('K7Q2-M9XD', 40), undefined);
    assert.ok(renderBigText('K7Q2-M9XD', 80));
  });
  it('spaces a code out', () => assert.equal(spacedCode('K7Q2-M9XD'), 'K 7 Q 2 - M 9 X D'));
});

describe('durations', () => {
  const cases: [number, string][] = [
    [0, '0 s'],
    [-5000, '0 s'],
    [400, '1 s'],
    [19_001, '20 s'],
    [60_000, '1:00'],
    [75_000, '1:15'],
    [3_600_000, '1 h 0 min'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(formatRemaining(ms), text));
  it('measures to an ISO time, and ignores a missing or bad one', () => {
    assert.equal(msUntil('2026-01-01T00:00:20.000Z', Date.parse('2026-01-01T00:00:00.000Z')), 20_000);
    assert.equal(msUntil(undefined, 0), undefined);
    assert.equal(msUntil('soon', 0), undefined);
  });
});

describe('createStyle', () => {
  const cases: [string, boolean, Record<string, string>, { interactive: boolean; color: boolean }][] = [
    ['a terminal', true, {}, { interactive: true, color: true }],
    ['a terminal with NO_COLOR', true, { NO_COLOR: '1' }, { interactive: true, color: false }],
    ['NO_COLOR set but empty counts as unset', true, { NO_COLOR: '' }, { interactive: true, color: true }],
    ['a dumb terminal', true, { TERM: 'dumb' }, { interactive: false, color: false }],
    ['a pipe', false, {}, { interactive: false, color: false }],
  ];
  for (const [name, isTTY, env, expected] of cases) {
    it(name, () => {
      const style = createStyle(output(isTTY), env);
      assert.deepEqual({ interactive: style.interactive, color: style.color }, expected);
      assert.equal(ANSI.test(style.bold('x')), expected.color);
    });
  }
});

describe('renderQR', () => {
  it('uses the terminal renderer (colours) when colour is on, plain UTF-8 blocks when not', async () => {
    const colored = await renderQR('http://127.0.0.1:23373/demo/scan/abc', true);
    const plain = await renderQR('http://127.0.0.1:23373/demo/scan/abc', false);
    assert.ok(colored.some((l) => ANSI.test(l)));
    assert.ok(!plain.some((l) => ANSI.test(l)));
    assert.ok(plain.some((l) => l.includes('█')));
    assert.ok(stripAnsi(colored.at(-1)!).length > 0, 'no empty trailing line');
  });
});

describe('Progress', () => {
  it('off a terminal, prints its text once and nothing more', () => {
    const out = output(false);
    const clock = new ManualClock();
    const progress = new Progress(out, createStyle(out, {}), clock);
    progress.start(() => 'Waiting');
    clock.advance(1000);
    progress.stop();
    assert.equal(out.text(), 'Waiting\n');
  });
  it('on a terminal, redraws its line with a turning spinner and live text, and clears it on stop', () => {
    const out = output(true);
    const clock = new ManualClock();
    const progress = new Progress(out, createStyle(out, { NO_COLOR: '1' }), clock);
    let left = 3;
    progress.start(() => `valid for ${left} s`);
    left = 2;
    clock.advance(100);
    progress.stop();
    assert.equal(clock.pendingTimers, 0, 'no timer left running');
    const text = out.text();
    assert.match(text, /⠋ valid for 3 s/);
    assert.match(text, /⠙ valid for 2 s/);
    assert.ok(text.endsWith('\r\x1b[2K\x1b[?25h'), 'line cleared and cursor shown again');
  });
});
