import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { INCORRECT_PASSWORD } from '../../src/bridges/demo/password.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { approveApp, startAuthorization } from '../support/oauth.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';

let s: TestServer;
let hs: FakeHomeserver;
before(async () => {
  hs = await startFakeHomeserver({ serverName: 'example.test' });
  s = await startTestServer({ configure: (c) => void (c.matrix = { allowedUsers: ['@*:example.test'], homeservers: { 'example.test': hs.baseURL } }) });
});
after(async () => {
  await s.close();
  await hs.close();
});

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

test('every route answers what its response schema in the OpenAPI document says', async () => {
  const doc = (await s.api<Doc>('GET', '/v1/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The routes' schemas refer to the shared ones as #/components/schemas/<name>.
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const check = (method: string, pattern: string, status: number, body: unknown): void => {
    const content = doc.paths[pattern]?.[method]?.responses[String(status)]?.content?.['application/json'];
    assert.ok(content, `${method} ${pattern} documents no JSON answer for ${status}`);
    const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', '"doc#/components/'));
    const valid = ajv.validate(schema, body);
    assert.ok(valid, `${method} ${pattern} ${status}: ${ajv.errorsText()}\n${JSON.stringify(body)}`);
  };
  const seen = new Set<string>();
  const call = async (method: string, pattern: string, params: Record<string, string>, body?: unknown, expected = 200): Promise<any> => {
    const path = pattern.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
    const r = await s.api(method.toUpperCase(), path, body);
    assert.equal(r.status, expected, `${method} ${path}: ${r.text}`);
    check(method, pattern, r.status, r.body);
    seen.add(`${method} ${pattern}`);
    return r.body;
  };
  const sessions = '/v1/bridges/{bridgeID}/login-sessions';
  const one = `${sessions}/{loginSessionID}`;
  const step = `${one}/steps/{stepID}`;
  const b = { bridgeID: 'demo' };

  await call('get', '/v1/info', {});
  await call('get', '/v1/bridges', {});
  await call('get', '/v1/bridges/{bridgeID}', b);
  await call('get', '/v1/bridges/{bridgeID}/capabilities', b);
  const flows = await call('get', '/v1/bridges/{bridgeID}/login-flows', b);
  // Every flow's first step, and a waiting, a complete, a failed and a cancelled session.
  for (const flow of flows.items as { id: string }[]) {
    const created = await call('post', sessions, b, { flowID: flow.id });
    await call('get', one, { ...b, loginSessionID: created.loginSessionID });
    if (created.status !== 'complete' && created.status !== 'failed') await call('delete', one, { ...b, loginSessionID: created.loginSessionID });
    await call('get', one, { ...b, loginSessionID: created.loginSessionID });
  }
  const created = await call('post', sessions, b, {});
  const ids = { ...b, loginSessionID: created.loginSessionID, stepID: 'demo.password' };
  const done = await call('post', step, ids, { type: 'user_input', fields: { username: 'schema', password: 'p' } });
  assert.equal(done.status, 'complete');
  await call('get', one, ids);
  const wrong = await call('post', sessions, b, {});
  const failed = await call('post', step, { ...ids, loginSessionID: wrong.loginSessionID }, { type: 'user_input', fields: { username: 'schema', password: INCORRECT_PASSWORD } });
  assert.equal(failed.status, 'failed');
  await call('get', '/v1/accounts', {});
  await call('get', '/v1/accounts/{accountID}', { accountID: done.accountID });
  await call('get', '/v1/bridges/{bridgeID}/logins', b);
  await call('get', '/v1/bridges/{bridgeID}/logins/{loginID}', { ...b, loginID: done.loginID });
  await call('post', '/v1/bridges/{bridgeID}/logins/{loginID}/remove', { ...b, loginID: done.loginID }, { scope: 'all-devices' });
  // The consent page's routes and the approved apps.
  const waiting = await startAuthorization(s, 'read');
  const view = await call('get', '/v1/oauth/requests/{requestID}', { requestID: waiting.requestID });
  assert.equal(view.redirectHost, '127.0.0.1:45999');
  await call('post', '/v1/oauth/decisions', {}, { requestID: waiting.requestID, allow: false });
  const approved = await approveApp(s);
  const apps = await call('get', '/v1/apps', {});
  assert.ok(apps.items.some((a: { clientID: string }) => a.clientID === approved.clientID));
  // People (api.md §10): sign in, the owner's list, signing a person out.
  const signedIn = await call('post', '/v1/auth/matrix', {}, { accessToken: hs.issueOpenID('@schema:example.test'), matrixServerName: 'example.test' });
  await call('get', '/v1/users', {});
  await call('delete', '/v1/users/{userID}/tokens', { userID: signedIn.userID });
  // Error answers have the error schema too.
  await call('get', one, { ...b, loginSessionID: 'nope' }, undefined, 404);
  await call('post', step, { ...ids, loginSessionID: wrong.loginSessionID, stepID: 'other' }, { type: 'user_input', fields: {} }, 410);

  // Every documented JSON route was walked.
  for (const [pattern, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.responses['200']?.content?.['application/json']) assert.ok(seen.has(`${method} ${pattern}`), `${method} ${pattern} not walked`);
    }
  }
});
