/**
 * The service goes through its `Coordinator` (src/coordination/) for change events and leases:
 * every recorded change is announced, a finished session's lease is given up once, and the
 * coordinator is closed with the app. The single-process one changes nothing of what clients see.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/server.ts';
import { GatedBridge } from '../support/gated-bridge.ts';
import { LocalCoordinator } from '../../src/coordination/local.ts';

class RecordingCoordinator extends LocalCoordinator {
  readonly changes: string[] = [];
  readonly releases: string[] = [];
  closed = false;
  override changed(id: string): void {
    this.changes.push(id);
  }
  override release(id: string): void {
    this.releases.push(id);
  }
  override async close(): Promise<void> {
    this.closed = true;
  }
}

test('each change is announced through the coordinator, and a finish releases the lease once', async () => {
  const coordinator = new RecordingCoordinator();
  const gated = new GatedBridge();
  gated.holding = false;
  const s = await startTestServer({ bridges: [gated], coordinator });
  try {
    const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
    const id = created.loginSessionID as string;
    assert.deepEqual(coordinator.changes, [id], 'the first step is announced');
    assert.deepEqual(coordinator.releases, []);
    const done = await s.api('POST', `/v1/bridges/gated/login-sessions/${id}/steps/gated.name`, { type: 'user_input', fields: { name: 'ada' } });
    assert.equal(done.body.status, 'complete');
    assert.deepEqual(coordinator.changes, [id, id]);
    assert.deepEqual(coordinator.releases, [id]);
    // Reads of the finished session change nothing and announce nothing.
    assert.equal((await s.api('GET', `/v1/bridges/gated/login-sessions/${id}`)).status, 200);
    assert.equal((await s.api('DELETE', `/v1/bridges/gated/login-sessions/${id}`)).status, 410);
    assert.deepEqual(coordinator.changes, [id, id]);

    const cancelled = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body.loginSessionID as string;
    assert.equal((await s.api('DELETE', `/v1/bridges/gated/login-sessions/${cancelled}`)).status, 200);
    assert.deepEqual(coordinator.releases, [id, cancelled]);
  } finally {
    await s.close();
  }
  assert.equal(coordinator.closed, true, 'closing the app closes the coordinator');
});

test('the single-process coordinator always holds the lease, at once, and runs every task here', async () => {
  const local = new LocalCoordinator();
  assert.equal(local.shared, false);
  assert.equal(local.lease('any'), true);
  let ran = 0;
  assert.equal(await local.runOnce('sweep', async () => void ran++), true);
  assert.equal(ran, 1);
});
