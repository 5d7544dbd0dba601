/**
 * `inject()` with cookies on the Node version the tests run on. Fastify's light-my-request
 * builds the Cookie header with cookie@2, whose package.json asks for Node 22 (npm warns
 * EBADENGINE on Node 20); this keeps README's word that the warning is harmless true.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

test('inject() sends cookies: the demo sign-in cookie set by one injected request is read by the next', async () => {
  const signIn = await s.app.fastify.inject({
    method: 'POST',
    url: '/demo/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'username=Ina&password=hunter2',
  });
  assert.equal(signIn.statusCode, 303);
  const set = signIn.cookies.find((c) => c.name === 'demo_session');
  assert.ok(set, 'the sign-in set demo_session');

  const page = await s.app.fastify.inject({ method: 'GET', url: '/demo/signed-in', cookies: { demo_session: set.value } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`<code id="cookie">${set.value}</code>`));
  const without = await s.app.fastify.inject({ method: 'GET', url: '/demo/signed-in' });
  assert.match(without.body, /Not signed in/, 'the cookie, not the page, made the difference');
});
