/**
 * api.md §11: the demo bridge's pairing codes and QR tokens live in the database (hashes only),
 * so a code typed on, or a token scanned at, any instance completes the login another drives, once.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { startInstances, type Cluster } from '../support/instances.ts';
import { withDatabase } from '../support/postgres.ts';
import { apiWith, loginsNamed, scan, scanPath, sessionPath, type Api } from './http.ts';

const db = await withDatabase();
let cluster: Cluster;
let api: Api;
let A: string, B: string, C: string;

before(async () => {
  cluster = await startInstances(3, { databaseURL: db.url });
  [A, B, C] = cluster.instances.map((i) => i.url) as [string, string, string];
  api = apiWith(cluster.token);
});

after(async () => {
  await cluster?.close();
});

/** Type `code` on the link page of the instance at `base`; the page's status. */
async function link(base: string, code: string, username: string): Promise<number> {
  const res = await fetch(`${base}/demo/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code, username }).toString(),
    signal: AbortSignal.timeout(40_000),
  });
  await res.arrayBuffer();
  return res.status;
}

test('a pairing code shown by A and typed on B completes the login, once', async () => {
  const created = await api(A, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'code' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.loginSessionID;
  const code: string = created.body.currentStep.display.data;
  const poll = api(C, 'POST', `${sessionPath(id)}/steps/demo.code?wait=25`, { type: 'display_and_wait' });
  poll.catch(() => undefined);
  // Typed loosely (lower case, no dash): the code is normalised before it is hashed.
  assert.equal(await link(B, code.toLowerCase().replace('-', ''), 'linda'), 200);
  const answered = await poll;
  assert.equal(answered.body.status, 'complete', JSON.stringify(answered.body));
  assert.equal(await link(C, code, 'linda'), 400, 'a used code is refused on every instance');
  assert.equal((await loginsNamed(api, A, 'linda')).length, 1);
});

test('a QR token is kept only as a hash and is used once across instances', async () => {
  const created = await api(A, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const token = scanPath(created.body).split('/').pop()!;
  const rows = await db.query<{ hash: string }>('SELECT hash FROM demo_pairings');
  assert.ok(rows.length > 0, 'the waiting token is in the database');
  for (const r of rows) assert.ok(!r.hash.includes(token), 'only a hash of the token is stored');
  const page = await fetch(`${B}${scanPath(created.body)}`);
  await page.arrayBuffer();
  assert.equal(page.status, 200, 'another instance shows the confirm page');
  const [onB, onC] = await Promise.all([scan(B, created.body, 'quinn'), scan(C, created.body, 'quinn')]);
  assert.deepEqual([onB, onC].sort(), [200, 404], 'one scan wins');
  const done = await api(B, 'POST', `${sessionPath(created.body.loginSessionID)}/steps/demo.qr?wait=25`, { type: 'display_and_wait' });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  assert.equal((await loginsNamed(api, C, 'quinn')).length, 1);
});
