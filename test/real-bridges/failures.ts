/**
 * The real-bridge tests of what only real processes and a real network show: lost answers,
 * a restart of this server, a SIGKILLed bridge, a broken bridge config (see suite.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VersionBehaviour } from './expectations.ts';
import { SESSIONS, create, pollCount, sessionWhere, until, lazyWorld, type World } from './harness.ts';

/** Defines the failure tests on the world `get` returns. */
export function failureTests(get: () => World, expected: VersionBehaviour): void {
  const w = lazyWorld(get);
  test(`a lost QR refresh is ${expected.lostRefresh === 'replayed' ? 'replayed at once' : 'missed until the next refresh'}`, async () => {
    const s = (await create(w, 'qr')).body;
    const first = s.currentStep.display.data;
    await until(async () => pollCount(w), (n) => n > 0, 'a long-poll');
    const polls = pollCount(w);
    const lost = w.proxy.loseAnswerTo('/display_and_wait');
    assert.equal((await w.bridge.control('refresh', { data: first })).status, 200);
    await lost;
    if (expected.lostRefresh === 'replayed') {
      // The re-attach carries the lost step's txn_id: the bridge replays what it answered.
      const shown = await sessionWhere(w, s.loginSessionID, (x) => x.currentStep?.display?.data !== first, 'shows the lost refresh');
      assert.match(shown.currentStep.display.data, /:2$/);
    } else {
      // The re-attach starts a new wait; the refreshed code is never seen.
      await until(async () => pollCount(w), (n) => n >= polls + 1, 'the re-attach');
      assert.equal((await w.api('GET', `${SESSIONS}/${s.loginSessionID}`)).body.currentStep.display.data, first);
      assert.equal((await w.bridge.control('refresh', { data: first })).status, 200);
      const shown = await sessionWhere(w, s.loginSessionID, (x) => x.currentStep?.display?.data !== first, 'shows the next refresh');
      assert.match(shown.currentStep.display.data, /:3$/);
    }
    assert.equal((await w.bridge.control('scan', { data: first, username: 'dave' })).status, 200);
    const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'completes');
    assert.equal(done.loginID, 'dave');
  });

  test(`a lost completion (the bridge then answers ${expected.lostCompletion}) completes from the login list`, async () => {
    const s = (await create(w, 'qr')).body;
    await until(async () => pollCount(w), (n) => n > 0, 'a long-poll');
    const lost = w.proxy.loseAnswerTo('/display_and_wait');
    assert.equal((await w.bridge.control('scan', { data: s.currentStep.display.data, username: 'erin' })).status, 200);
    await lost;
    const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'ends');
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'erin');
  });

  test('this server restarted mid-QR: the session resumes and completes', async () => {
    const s = (await create(w, 'qr')).body;
    const { data } = s.currentStep.display;
    await until(async () => pollCount(w), (n) => n > 0, 'a long-poll');
    await w.restartServer();
    const resumed = (await w.api('GET', `${SESSIONS}/${s.loginSessionID}`)).body;
    assert.equal(resumed.status, 'waiting_for_display', JSON.stringify(resumed));
    await until(async () => (await w.bridge.control('scan', { data, username: 'frank' })).status, (st) => st === 200, 'scan');
    const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'completes');
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'frank');
  });

  test('the bridge SIGKILLed mid-login: the session fails bridge_unavailable, nothing hangs', async () => {
    const s = (await create(w, 'qr')).body;
    await until(async () => pollCount(w), (n) => n > 0, 'a long-poll');
    await w.bridge.stop('SIGKILL');
    try {
      // The connector re-attaches five times (0 + 1 + 2 + 4 + 8 s) before giving up.
      const failed = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'fails', 40_000);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error.code, 'bridge_unavailable');
      const created = await create(w, 'password');
      assert.equal(created.status, 503);
      assert.equal(created.body.code, 'bridge_unavailable');
    } finally {
      await w.bridge.restart();
    }
    const again = await create(w, 'password');
    assert.equal(again.status, 200);
  });

  test('a broken bridge config is logged once per change of state, saying what the bridge did', async () => {
    for (let i = 0; i < 3; i++) {
      for (const id of ['relay', 'wrong-secret', 'down']) {
        const res = await create(w, 'password', {}, id);
        assert.equal(res.status, 503, `${id}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'bridge_unavailable');
      }
    }
    // The server's log reaches us through a pipe: a last line logged after all of the above (a
    // refused start on `limited`, whose one login is taken) says everything before has arrived.
    const marker = (): number => w.server.output().split('\n').filter((l) => l.includes('"bridgeID":"limited"') && l.includes('start refused')).length;
    const markers = marker();
    assert.equal((await create(w, 'password', {}, 'limited')).status, 403);
    await until(async () => marker(), (n) => n > markers, 'the marker line in the server log');
    const lines = w.server
      .output()
      .split('\n')
      .filter((l) => l.includes('bridgev2: the bridge'));
    const about = (id: string): string[] => lines.filter((l) => l.includes(`"bridgeID":"${id}"`));
    const once = (id: string, ...parts: string[]): void => {
      assert.equal(about(id).length, 1, `${id}:\n${lines.join('\n')}`);
      for (const part of parts) assert.ok(about(id)[0]!.includes(part), `${id}: ${part} in ${about(id)[0]}`);
    };
    once('relay', 'refused', '"errcode":"M_FORBIDDEN"', 'User does not have login permissions');
    once('wrong-secret', 'refused', '"errcode":"M_UNKNOWN_TOKEN"');
    once('down', 'cannot be reached', 'ECONNREFUSED');
    const relay = await create(w, 'password', {}, 'relay');
    assert.doesNotMatch(relay.body.message, /cannot be reached/);
  });
}
