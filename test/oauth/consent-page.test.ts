/**
 * The consent page: nobody signed in → sign in first; then the app's name, redirect host and
 * scopes, with Allow and Deny; it cannot be framed; and an answered request cannot be answered again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, assertNoProblems, type WebHarness } from '../web/browser.ts';
import { startAuthorization } from '../support/oauth.ts';
import { standInForApp } from './support.ts';

let web: WebHarness;
before(async () => {
  web = await startWeb({ token: false });
  await standInForApp(web.context, 'http://127.0.0.1:45999');
});
after(() => web.close());

test('sign in first, then see what the app asks for and allow it', async () => {
  const { requestID } = await startAuthorization(web.server, 'read write');
  const page = web.page;
  await page.goto(`${web.server.baseURL}/consent.html#request=${requestID}`);
  await page.getByRole('heading', { name: 'Sign in first' }).waitFor();
  await page.getByLabel('Access token').fill(web.server.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Allow Helper App?' }).waitFor();
  assert.equal(await page.locator('#consent-host').textContent(), '127.0.0.1:45999');
  assert.deepEqual(await page.locator('#consent-scopes li').allTextContents(), [
    'See your bridges, chat accounts and login sessions (read)',
    'Connect, reconnect and remove chat accounts, and answer login steps (write)',
  ]);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.origin === 'http://127.0.0.1:45999');
  const back = new URL(page.url());
  assert.equal(back.searchParams.get('state'), 'st');
  assert.ok(back.searchParams.get('code'));

  // The same request again: already answered.
  await page.goto(`${web.server.baseURL}/consent.html#request=${requestID}`);
  await page.getByRole('heading', { name: 'This request cannot be answered' }).waitFor();
  assertNoProblems(web);
});

test('the consent page may not be framed', async () => {
  const res = await fetch(`${web.server.baseURL}/consent.html`);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
});
