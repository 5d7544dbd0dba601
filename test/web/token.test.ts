import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, screenshot, startWeb, type WebHarness } from './browser.ts';

let web: WebHarness;
before(async () => {
  web = await startWeb({ token: false });
});
after(() => web?.close());

test('without a token the page says how to get one and offers a field to paste it', async () => {
  const { page } = web;
  await page.getByRole('heading', { name: 'Access token needed' }).waitFor();
  await page.getByText('npx bridge-login token create').waitFor();
  await page.getByText('http://127.0.0.1:23373/#token=…').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Forget token' }).isVisible(), false);
  await screenshot(page, 'no-token');
  assertNoProblems(web);
});

test('a pasted token the server refuses is reported next to the field', async () => {
  const { page } = web;
  const input = page.getByLabel('Access token', { exact: true });
  await input.fill('bl_not-a-real-token');
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.getByText('The server does not accept this token.').waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('bridge-login.token')), null);
});

test('a pasted valid token opens the accounts, and is kept for the tab only', async () => {
  const { page, server } = web;
  await page.getByLabel('Access token', { exact: true }).fill(`  ${server.token}  `);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.getByRole('heading', { name: 'Chat accounts' }).waitFor();
  await page.locator('[data-bridge="demo"]').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('bridge-login.token')), server.token);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.reload();
  await page.locator('[data-bridge="demo"]').waitFor();
});

test('a token revoked while the page is open sends the user back to the token screen', async () => {
  const { page, server } = web;
  for (const info of await server.app.tokens.list()) await server.app.tokens.revoke(info.id, server.clock.now());
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('heading', { name: 'Access token needed' }).waitFor();
  await page.getByText('did not accept the access token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('bridge-login.token')), null);

  // A new token in the address (as printed by the server) signs the tab in again.
  const fresh = (await server.app.tokens.create('again', server.clock.now())).token;
  await page.evaluate((t) => { location.hash = `token=${t}`; }, fresh);
  await page.locator('[data-bridge="demo"]').waitFor();
  assert.equal(new URL(page.url()).hash, '');
  assertNoProblems(web);
});
