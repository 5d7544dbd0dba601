/**
 * Issue 17, api.md §11: three instances started at once on an empty database migrate it once
 * (under the advisory lock), and all three serve the result.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { startInstances, type Cluster } from '../support/instances.ts';
import { withDatabase } from '../support/postgres.ts';
import { apiWith, sessionPath } from './http.ts';

const db = await withDatabase();
let cluster: Cluster | undefined;

after(async () => {
  await cluster?.close();
});

test('three instances starting at once on an empty database migrate it once', async () => {
  assert.deepEqual(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'`), [], 'the database starts empty');
  cluster = await startInstances(3, { databaseURL: db.url, together: true });
  for (const i of cluster.instances) assert.ok(i.alive(), `${i.name} is running`);

  const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  const versions = rows.map((r) => Number(r.version));
  // Each migration recorded once, numbered from 1 without a gap: none ran twice or was skipped.
  assert.ok(versions.length >= 1, 'migrations ran');
  assert.deepEqual(versions, versions.map((_, i) => i + 1));
  for (const i of cluster.instances) assert.doesNotMatch(i.output(), /already exists|duplicate key|deadlock/i, `${i.name}'s output`);

  // One schema for all: a session made on one instance is read on the others.
  const api = apiWith(cluster.token);
  const [A, B, C] = cluster.instances.map((i) => i.url) as [string, string, string];
  const created = await api(C, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  for (const base of [A, B]) assert.equal((await api(base, 'GET', sessionPath(created.body.loginSessionID))).body.currentStep.stepID, 'demo.password');
});
