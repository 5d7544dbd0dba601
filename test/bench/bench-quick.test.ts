/**
 * The benchmark's smoke mode runs end to end and produces every figure, each plausible. It
 * never checks how fast anything is: that is what `npm run bench` is for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

const positive = (value: unknown, name: string): void => {
  assert.equal(typeof value, 'number', `${name} is a number`);
  assert.ok(Number.isFinite(value) && (value as number) > 0, `${name} is positive (${String(value)})`);
};

test('npm run bench -- --quick measures every figure and writes them as JSON', { timeout: 120_000 }, async () => {
  const { dir, remove } = tempDir();
  try {
    const out = path.join(dir, 'results.json');
    const latestQuick = path.join(ROOT, 'bench', 'results', 'latest-quick.json');
    const resultsBefore = existsSync(latestQuick) ? statSync(latestQuick).mtimeMs : 0;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: ROOT, timeout: 110_000 });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(r.meta.quick, true);
    assert.equal(existsSync(latestQuick) ? statSync(latestQuick).mtimeMs : 0, resultsBefore, 'with --out, nothing is written to bench/results');
    const f = r.figures;

    // (3) the floor, (1) GET with its ratio to the floor: every answer a 200 with the same bytes.
    positive(f.floor.reqPerSec, 'floor req/s');
    assert.equal(f.floor.failures, 0);
    positive(f.getSession.reqPerSec, 'GET req/s');
    assert.equal(f.getSession.failures, 0, 'every GET answered 200 with the bytes the floor serves');
    assert.ok(Math.abs(f.getSession.ratioToFloor - f.getSession.reqPerSec / f.floor.reqPerSec) < 1e-9);
    positive(f.getSession.serverCpuUsPerRequest, 'GET CPU per request');

    // (2) complete logins, counted only when the submit answered `complete`.
    positive(f.passwordLogins.loginsPerSec, 'logins/s');
    positive(f.passwordLogins.completed, 'completed logins');
    assert.ok(Math.abs(f.passwordLogins.ratioToFloor - f.passwordLogins.loginsPerSec / f.floor.reqPerSec) < 1e-9);
    positive(f.passwordLogins.serverCpuUsPerLogin, 'CPU per login');
    // (2)'s reference: the floor answering the same two POSTs with the bytes of a real login.
    positive(f.floorLogins.loginsPerSec, 'floor logins/s');
    assert.equal(f.floorLogins.failures, 0);
    assert.ok(Math.abs(f.floorLogins.ratioToFloor - f.floorLogins.loginsPerSec / f.floor.reqPerSec) < 1e-9);
    // (2)'s second reference: Fastify and the store alone, counted like the server's logins.
    positive(f.storeLogins.loginsPerSec, 'store floor logins/s');
    positive(f.storeLogins.completed, 'store floor completed logins');
    assert.equal(f.storeLogins.failures, 0);
    assert.ok(Math.abs(f.storeLogins.ratioToFloor - f.storeLogins.loginsPerSec / f.floor.reqPerSec) < 1e-9);

    // (4) memory: resident sizes of a Node server, in MiB.
    const m = f.memory;
    assert.equal(m.sessions, 200);
    for (const key of ['rssStartMiB', 'rssActiveMiB', 'rssSweptMiB']) {
      positive(m[key], key);
      assert.ok(m[key] > 20 && m[key] < 2048, `${key} = ${m[key]} MiB is a sane size`);
    }
    assert.ok(Math.abs(m.sweptToStart - m.rssSweptMiB / m.rssStartMiB) < 1e-9);
    assert.ok(m.settleSamplesMiB.length > 0);

    // (4) finished sessions: every login completed, the resident sizes read.
    const d = f.finished;
    assert.equal(d.finished, 200);
    for (const key of ['rssStartMiB', 'rssAfterMiB', 'rssSteadyMiB']) assert.ok(d[key] > 20 && d[key] < 2048, `finished.${key} = ${d[key]} MiB is a sane size`);
    assert.ok(Math.abs(d.kbPerFinished - ((d.rssSteadyMiB - d.rssStartMiB) * 2 ** 20) / 1000 / 200) < 1e-9);
    assert.equal(f.postgres, undefined, 'the quick mode leaves PostgreSQL out unless asked');

    // (5) every long-poll and every event stream answered by its session's change, none early.
    const w = f.waiting;
    assert.ok(!('skipped' in w), `waiting figure present (${w.skipped ?? ''})`);
    assert.equal(w.waiters, 50);
    for (const kind of ['longPolls', 'events']) {
      assert.equal(w[kind].answered, w.waiters, `${kind}: all answered`);
      assert.equal(w[kind].early, 0, `${kind}: none answered before its change`);
      positive(w[kind].p50Ms, `${kind} p50`);
      assert.ok(w[kind].p99Ms >= w[kind].p50Ms);
    }

    // (6) start time.
    positive(f.startup.ms, 'start-up ms');
    assert.ok(f.startup.ms < 60_000);

    // Goals are checked (met or not) and every figure is in the printed table.
    assert.ok(r.goals.length >= 7 && r.goals.every((g: { met: unknown }) => typeof g.met === 'boolean'));
    for (const n of ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)']) assert.ok(stdout.includes(n), `the table shows ${n}`);
  } finally {
    remove();
  }
});
