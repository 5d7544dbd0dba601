import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LoginStore } from '../../src/store/logins.ts';
import { eventually } from '../support/eventually.ts';
import { GatedBridge } from '../support/gated-bridge.ts';
import { assertNoProblems, connectDemo, openBridgeList, screenshot, startWeb, waitForHeading, type WebHarness } from './browser.ts';

let web: WebHarness;
const single = new GatedBridge({ id: 'single', displayName: 'Single Flow Chat' });
const disabled = new GatedBridge({ id: 'off', displayName: 'Old Bridge', enabled: false });
before(async () => {
  web = await startWeb({ bridges: [single, disabled] });
});
after(() => web?.close());

/** The body of the next login-session POST the page sends. */
function nextCreate(page: Page): Promise<unknown> {
  return page
    .waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/login-sessions'))
    .then((r) => r.postDataJSON());
}

async function demoLogins() {
  return (await web.server.api('GET', '/v1/bridges/demo/logins')).body.items as { loginID: string; status: string; statusText?: string; user?: { username?: string } }[];
}

test('a login that needs signing in again is reconnected from the list: same login, updated', async () => {
  const { page, server } = web;
  await connectDemo(page, 'password');
  await waitForHeading(page, 'Sign in');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('first');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Account connected');
  const [alice] = await demoLogins();
  assert.equal(alice?.user?.username, 'alice');

  // The network signs alice out: the login needs a new sign-in.
  const store = new LoginStore(server.app.db);
  const stored = (await store.get('demo', alice.loginID))!;
  server.clock.advance(60_000);
  await store.upsert({ bridgeID: 'demo', loginID: alice.loginID, user: stored.user, status: 'needs_login', statusText: 'Signed out by the network.' }, server.clock.now());

  await openBridgeList(page);
  const item = page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"] .login', { hasText: 'alice' });
  await item.getByText('needs login').waitFor();
  const reconnect = item.locator('.login-actions').getByRole('button', { name: 'Reconnect alice' });
  assert.match(await reconnect.getAttribute('class') ?? '', /\bprimary\b/, 'the main action of a login that needs signing in');

  // By keyboard: Enter opens the choice of sign-in method, Escape closes it again.
  await reconnect.focus();
  await page.keyboard.press('Enter');
  const panel = item.locator('form.reconnect');
  const method = panel.getByLabel('Sign-in method');
  assert.ok(await method.evaluate((el) => el === document.activeElement), 'the choice has the focus');
  assert.equal(await reconnect.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  assert.ok(await reconnect.evaluate((el) => el === document.activeElement), 'focus returns to Reconnect');
  await page.keyboard.press('Enter');
  assert.equal(await method.inputValue(), 'password', 'the flow last chosen on this bridge');
  await screenshot(page, 'reconnect');

  const created = nextCreate(page);
  const createdSession = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login-sessions'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Reconnect alice');
  await page.keyboard.press('Enter');
  assert.deepEqual(await created, { loginID: alice.loginID, flowID: 'password' });
  const session = await (await createdSession).json();
  assert.equal(session.loginID, alice.loginID, 'a reconnect session names its login from the start');

  await waitForHeading(page, 'Sign in');
  await page.locator('.eyebrow', { hasText: 'Reconnect alice' }).waitFor();
  assert.equal(await page.getByLabel('Username').inputValue(), 'alice', 'the bridge prefilled the username');
  const password = page.getByLabel('Password');
  assert.ok(await password.evaluate((el) => el === document.activeElement), 'the first empty field has the focus');
  await screenshot(page, 'reconnect-form');
  server.clock.advance(1000);
  await page.keyboard.type('second');
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'Account reconnected');
  await page.locator('.account-card').getByText('connected', { exact: true }).waitFor();
  await page.locator('#announcer', { hasText: 'Account reconnected.' }).waitFor();

  const done = (await server.api('GET', `/v1/bridges/demo/login-sessions/${session.loginSessionID}`)).body;
  assert.equal(done.status, 'complete');
  assert.equal(done.loginID, alice.loginID);
  assert.ok(done.updatedAt > done.createdAt);
  const logins = await demoLogins();
  assert.deepEqual(logins.map((l) => [l.loginID, l.user?.username, l.status, l.statusText]), [[alice.loginID, 'alice', 'connected', undefined]]);
  const after = (await store.get('demo', alice.loginID))!;
  assert.equal(after.createdAt, stored.createdAt, 'the same login');
  assert.equal(after.updatedAt, server.clock.now(), 'updated by the reconnect');

  await page.getByRole('button', { name: 'Back to accounts' }).click();
  await openBridgeList(page);
  await item.getByText('connected', { exact: true }).waitFor();
  assert.equal(await page.locator('[data-bridge="demo"] .login', { hasText: 'alice' }).count(), 1);
  assert.match(await reconnect.getAttribute('class') ?? '', /\bsecondary\b/, 'still there, no longer the main action');
  assertNoProblems(web);
});

test('a failed reconnect starts again as a reconnect; after one, Connect another account starts a new login', async () => {
  const { page } = web;
  const [alice] = await demoLogins();
  await openBridgeList(page);
  const item = page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"] .login', { hasText: 'alice' });
  await item.locator('.login-actions').getByRole('button', { name: 'Reconnect alice' }).click();
  await item.locator('form.reconnect').getByRole('button', { name: 'Reconnect alice' }).click();
  await waitForHeading(page, 'Sign in');
  await page.getByLabel('Password').fill('incorrectpassword');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Login failed');

  let created = nextCreate(page);
  await page.getByRole('button', { name: 'Start again' }).click();
  assert.deepEqual(await created, { loginID: alice?.loginID, flowID: 'password' });
  await waitForHeading(page, 'Sign in');
  assert.equal(await page.getByLabel('Username').inputValue(), 'alice');
  await page.getByLabel('Password').fill('third');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Account reconnected');

  created = nextCreate(page);
  await page.getByRole('button', { name: 'Connect another account' }).click();
  assert.deepEqual(await created, { flowID: 'password' });
  await waitForHeading(page, 'Sign in');
  assert.equal(await page.getByLabel('Username').inputValue(), '');
  assert.equal(await page.locator('.eyebrow', { hasText: 'Reconnect' }).count(), 0);
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  assert.equal((await demoLogins()).length, 1);
  assertNoProblems(web);
});

test('on a bridge with one flow, Reconnect starts the session at once', async () => {
  const { page, server } = web;
  const created = await server.api('POST', '/v1/bridges/single/login-sessions');
  const submitted = server.api('POST', `/v1/bridges/single/login-sessions/${created.body.loginSessionID}/steps/gated.name`, { type: 'user_input', fields: { name: 'gina' } });
  await eventually(() => single.waiting > 0, 'the gated submit');
  single.open();
  assert.equal((await submitted).body.status, 'complete');

  await openBridgeList(page);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const gina = page.locator('#bridge-list:not([aria-busy]) [data-bridge="single"] .login', { hasText: 'gina' });
  const reconnect = gina.getByRole('button', { name: 'Reconnect gina' });
  assert.equal(await reconnect.getAttribute('aria-expanded'), null, 'nothing to expand');
  const request = nextCreate(page);
  await reconnect.click();
  assert.deepEqual(await request, { loginID: 'u-gina', flowID: 'one' });
  await page.locator('.eyebrow', { hasText: 'Single Flow Chat · One step · Reconnect gina' }).waitFor();
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  assertNoProblems(web);
});

test('on a bridge that is turned off, Reconnect is disabled and says why', async () => {
  const { page, server } = web;
  await new LoginStore(server.app.db).upsert({ bridgeID: 'off', loginID: 'u-hal', user: { id: 'u-hal', username: 'hal' }, status: 'logged_out' }, server.clock.now());
  await openBridgeList(page);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const card = page.locator('#bridge-list:not([aria-busy]) [data-bridge="off"]');
  const reconnect = card.getByRole('button', { name: 'Reconnect hal' });
  assert.equal(await reconnect.isDisabled(), true);
  const reasonID = await reconnect.getAttribute('aria-describedby');
  assert.match(await card.locator(`[id="${reasonID}"]`).innerText(), /turned off/);
  assertNoProblems(web);
});
