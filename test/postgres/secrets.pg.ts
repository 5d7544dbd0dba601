/**
 * Issue 17, api.md §11 and §9: on PostgreSQL as on SQLite, nothing submitted as a secret is
 * stored, and the database URL's password is never logged. Two instances at trace level: a
 * password login and a sign-in cookie, each crossing instances; then every row of every table,
 * and everything the instances wrote, is searched for the secrets.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startInstances, type Cluster } from '../support/instances.ts';
import { withDatabase } from '../support/postgres.ts';
import { apiWith, sessionPath, type Api } from './http.ts';

const db = await withDatabase();
/** The test cluster trusts local connections, so any password gets in: it is there to be looked for. */
const dbPassword = `Zqdbpw${randomBytes(9).toString('hex')}Zq`;
let cluster: Cluster;
let api: Api;

before(async () => {
  const url = new URL(db.url);
  url.password = dbPassword;
  cluster = await startInstances(2, { databaseURL: url.toString(), env: { BRIDGE_LOGIN_LOG_LEVEL: 'trace' } });
  api = apiWith(cluster.token);
});

after(async () => {
  await cluster?.close();
});

/** Every row of every table of the database, as text. */
async function everyRow(): Promise<string> {
  const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  const rows: string[] = [];
  for (const { tablename } of tables) {
    for (const r of await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`)) rows.push(`${tablename}: ${r.row}`);
  }
  return rows.join('\n');
}

test('no submitted secret is stored, and the database password is not logged', async () => {
  const [A, B] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const secrets = { password: `Zqpw${randomBytes(9).toString('hex')}Zq`, pagePassword: `Zqpage${randomBytes(9).toString('hex')}Zq` };

  const pw = await api(A.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  const pwDone = await api(B.url, 'POST', `${sessionPath(pw.body.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'secret-pw', password: secrets.password } });
  assert.equal(pwDone.body.status, 'complete', JSON.stringify(pwDone.body));

  // The sign-in page on A issues the cookie; B accepts it (the demo's cookies are in the database).
  const signIn = await fetch(`${A.url}/demo/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=secret-cookie&password=${secrets.pagePassword}` });
  await signIn.arrayBuffer();
  const issued = /demo_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(issued, `the sign-in page set a cookie (status ${signIn.status})`);
  const ck = await api(B.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'cookies' });
  const ckDone = await api(B.url, 'POST', `${sessionPath(ck.body.loginSessionID)}/steps/demo.cookies`, { type: 'cookies', fields: { session: issued } });
  assert.equal(ckDone.body.status, 'complete', JSON.stringify(ckDone.body));

  const rows = await everyRow();
  assert.match(rows, /secret-pw/, 'the search looks at the rows that were written');
  for (const [what, value] of Object.entries({ ...secrets, cookie: issued, token: cluster.token })) {
    assert.ok(!rows.includes(value), `the ${what} is in the database`);
  }
  for (const i of cluster.instances) {
    assert.match(i.output(), /login-sessions/, `${i.name} logged at trace level`);
    for (const [what, value] of Object.entries({ ...secrets, cookie: issued, dbPassword })) {
      assert.ok(!i.output().includes(value), `${i.name} logged the ${what}`);
    }
  }
});
