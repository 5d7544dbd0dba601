/**
 * The web page's "Approved apps": an app allowed through OAuth is listed with its scopes, and
 * Revoke takes it off the list and stops its token at once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, assertNoProblems, type WebHarness } from '../web/browser.ts';
import { approveApp, tokensFor } from '../support/oauth.ts';

let web: WebHarness;
before(async () => {
  web = await startWeb();
});
after(() => web.close());

test('approved apps are listed on the page and revoked from it', async () => {
  const app = await approveApp(web.server, 'read');
  const tokens = await tokensFor(web.server, app);
  await web.page.reload();
  const section = web.page.locator('#apps-section');
  await section.getByText('Helper App').waitFor();
  assert.match((await section.textContent()) ?? '', /Can read \(read\)/);
  await section.getByRole('button', { name: 'Revoke Helper App' }).click();
  await section.waitFor({ state: 'hidden' });
  const refused = await web.server.api('GET', '/v1/accounts', undefined, { authorization: `Bearer ${tokens.access_token}` });
  assert.equal(refused.status, 401);
  assert.deepEqual((await web.server.api('GET', '/v1/apps')).body.items, []);
  assertNoProblems(web);
});
