/**
 * Bridges, logins and accounts over HTTP, one suite for both stores: bridges-and-logins.test.ts
 * runs it on SQLite, bridges-and-logins.pg.ts on PostgreSQL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.ts';

/** `server` gives the options that put the server on a store (none: SQLite in memory). */
export function describeBridgesAndLogins(name: string, server: () => Promise<Pick<TestServerOptions, 'databaseURL'>>): void {
  describe(`bridges and logins on ${name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(await server());
    });
    after(() => s.close());

    async function login(username: string): Promise<any> {
      const c = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
      return (await s.api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username, password: 'p' } })).body;
    }

    test('the demo bridge is listed as §7 describes', async () => {
      const r = await s.api('GET', '/v1/bridges');
      assert.equal(r.status, 200);
      const demo = r.body.items.find((b: any) => b.id === 'demo');
      assert.deepEqual(
        { ...demo, accounts: undefined },
        { id: 'demo', accounts: undefined, activeAccountCount: 0, displayName: 'Demo Chat', provider: 'local', status: 'available', supportsMultipleAccounts: true, type: 'demo', network: 'Demo' },
      );
      assert.deepEqual((await s.api('GET', '/v1/bridges/demo')).body, demo);
      assert.equal((await s.api('GET', '/v1/bridges/nope')).status, 404);
    });

    test('login flows are listed in order, the default first', async () => {
      const r = await s.api('GET', '/v1/bridges/demo/login-flows');
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.items.map((f: any) => f.id).slice(0, 2),
        ['password', 'password-2fa'],
      );
      for (const f of r.body.items) assert.equal(typeof f.name, 'string');
    });

    test('capabilities are the fixed demo set', async () => {
      const r = await s.api('GET', '/v1/bridges/demo/capabilities');
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body.resolve_identifier).sort(), ['any_phone', 'contact_list', 'create_dm', 'lookup_email', 'lookup_phone', 'lookup_username', 'search']);
      assert.deepEqual(r.body.group_creation, {});
    });

    test('logins and accounts: list, get, 404s, and the bridge counts its active accounts', async () => {
      const a = await login('gina');
      const list = await s.api('GET', '/v1/bridges/demo/logins');
      const item = list.body.items.find((l: any) => l.loginID === a.loginID);
      assert.deepEqual(item, { bridgeID: 'demo', loginID: a.loginID, removeScopes: ['current-device', 'all-devices'], status: 'connected', accountIDs: [a.accountID], user: a.login.user });
      assert.deepEqual((await s.api('GET', `/v1/bridges/demo/logins/${a.loginID}`)).body, item);
      assert.equal((await s.api('GET', '/v1/bridges/demo/logins/nope')).status, 404);
      const acc = await s.api('GET', `/v1/accounts/${a.accountID}`);
      assert.deepEqual(acc.body, a.account);
      assert.equal((await s.api('GET', '/v1/accounts/demo_nope')).status, 404);
      assert.equal((await s.api('GET', '/v1/accounts/nope')).status, 404);
      const bridge = await s.api('GET', '/v1/bridges/demo');
      assert.equal(bridge.body.activeAccountCount, bridge.body.accounts.length);
      assert.ok(bridge.body.activeAccountCount >= 1);
    });

    test('remove logs out, deletes the login and its account, and lists them', async () => {
      const a = await login('hank');
      const bad = await s.api('POST', `/v1/bridges/demo/logins/${a.loginID}/remove`, { scope: 'everything' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'invalid_request');
      const none = await s.api('POST', `/v1/bridges/demo/logins/${a.loginID}/remove`, {});
      assert.equal(none.status, 400);
      const r = await s.api('POST', `/v1/bridges/demo/logins/${a.loginID}/remove`, { scope: 'all-devices' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { bridgeID: 'demo', loginID: a.loginID, scope: 'all-devices', status: 'removed', affectedAccountIDs: [a.accountID] });
      assert.equal((await s.api('GET', `/v1/bridges/demo/logins/${a.loginID}`)).status, 404);
      assert.equal((await s.api('GET', `/v1/accounts/${a.accountID}`)).status, 404);
      const again = await s.api('POST', `/v1/bridges/demo/logins/${a.loginID}/remove`, { scope: 'all-devices' });
      assert.equal(again.status, 404);
      // The finished session that made it still reads as it was.
      assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${a.loginSessionID}`)).body.status, 'complete');
    });

    test('the OpenAPI document is 3.1, lists every route of the contract, and its schemas are the ones that validate', async () => {
      const r = await s.api('GET', '/v1/openapi.json', undefined, { authorization: '' });
      assert.equal(r.status, 200);
      assert.match(r.body.openapi, /^3\.1/);
      const expected: Record<string, string[]> = {
        '/v1/info': ['get'],
        '/v1/accounts': ['get'],
        '/v1/accounts/{accountID}': ['get'],
        '/v1/bridges': ['get'],
        '/v1/bridges/{bridgeID}': ['get'],
        '/v1/bridges/{bridgeID}/capabilities': ['get'],
        '/v1/bridges/{bridgeID}/login-flows': ['get'],
        '/v1/bridges/{bridgeID}/login-sessions': ['post'],
        '/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}': ['get', 'delete'],
        '/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}/steps/{stepID}': ['post'],
        '/v1/bridges/{bridgeID}/logins': ['get'],
        '/v1/bridges/{bridgeID}/logins/{loginID}': ['get'],
        '/v1/bridges/{bridgeID}/logins/{loginID}/remove': ['post'],
      };
      for (const [p, methods] of Object.entries(expected)) {
        for (const m of methods) assert.ok(r.body.paths[p]?.[m], `${m.toUpperCase()} ${p} missing`);
      }
      const submitBody = r.body.paths['/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}/steps/{stepID}'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(submitBody.required, ['type']);
      // Every protected route documents the answers it can give before it runs.
      for (const [p, methods] of Object.entries(expected)) {
        if (p === '/v1/info') continue;
        for (const m of methods) for (const status of ['401', '403', '429']) assert.ok(r.body.paths[p][m].responses[status], `${m.toUpperCase()} ${p}: ${status}`);
      }
      // The create body may be left out; a submit's may not. The remove answer's scope is one of two.
      assert.equal(r.body.paths['/v1/bridges/{bridgeID}/login-sessions'].post.requestBody.required, false);
      assert.equal(r.body.paths['/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}/steps/{stepID}'].post.requestBody.required, true);
      const removed = r.body.paths['/v1/bridges/{bridgeID}/logins/{loginID}/remove'].post.responses['200'].content['application/json'].schema;
      assert.deepEqual(removed.properties.scope.anyOf.map((o: { enum: string[] }) => o.enum[0]), ['current-device', 'all-devices']);
      for (const name of ['LoginSession', 'Account', 'Bridge', 'BridgeLogin', 'User', 'Error']) assert.ok(r.body.components.schemas[name], name);
    });
  });
}
