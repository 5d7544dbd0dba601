/**
 * The consent page for a person of the homeserver (api.md §10 with §12): nobody signed in, the
 * page offers "Sign in with Matrix"; the app then acts as that person, and signing the person out
 * everywhere ends the app's access too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, assertNoProblems, type WebHarness } from '../web/browser.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';
import { startAuthorization, tokensFor } from '../support/oauth.ts';
import { standInForApp } from './support.ts';

let hs: FakeHomeserver;
let web: WebHarness;
before(async () => {
  hs = await startFakeHomeserver({ serverName: 'example.test' });
  web = await startWeb({
    token: false,
    configure: (c) => void (c.matrix = { allowedUsers: ['@*:example.test'], homeservers: { 'example.test': hs.baseURL } }),
  });
  await standInForApp(web.context, 'http://127.0.0.1:45999');
});
after(async () => {
  await web.close();
  await hs.close();
});

test('a person signs in with Matrix on the consent page, and the app acts as them until they are signed out', async () => {
  const alice = hs.addUser('alice', 'alice-matrix-password');
  const started = await startAuthorization(web.server, 'read');
  const page = web.page;
  await page.goto(`${web.server.baseURL}/consent.html#request=${started.requestID}`);
  await page.getByRole('heading', { name: 'Sign in first' }).waitFor();
  await page.getByLabel('Homeserver').fill(hs.baseURL);
  await page.getByLabel('Matrix user name').fill('alice');
  await page.getByLabel('Matrix password').fill('alice-matrix-password');
  await page.locator('#matrix-submit').click();
  await page.getByRole('heading', { name: 'Allow Helper App?' }).waitFor();
  // The browser's Matrix session was only for the OpenID token: it is gone again.
  assert.equal(hs.liveSessions(), 0);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.origin === 'http://127.0.0.1:45999');
  const callback = new URL(page.url());
  assertNoProblems(web);

  const tokens = await tokensFor(web.server, { ...started, callback });
  const bearer = { authorization: `Bearer ${tokens.access_token}` };
  const me = await fetch(`${web.server.baseURL}/oauth/userinfo`, { headers: bearer });
  assert.equal(((await me.json()) as { sub: string }).sub, alice);
  assert.equal((await fetch(`${web.server.baseURL}/v1/accounts`, { headers: bearer })).status, 200);
  // The person's approved apps are theirs: the owner's list does not hold the app.
  const ownersApps = await web.server.api('GET', '/v1/apps');
  assert.ok(!ownersApps.body.items.some((a: { clientID: string }) => a.clientID === started.clientID));

  // The owner signs the person out everywhere: the app's token stops working at once.
  const out = await web.server.api('DELETE', `/v1/users/${encodeURIComponent(alice)}/tokens`);
  assert.equal(out.status, 200);
  const after = await fetch(`${web.server.baseURL}/v1/accounts`, { headers: bearer });
  assert.equal(after.status, 401);
  const refreshed = await fetch(`${web.server.baseURL}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: started.clientID }),
  });
  assert.equal(refreshed.status, 400);
});
