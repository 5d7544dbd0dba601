import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { GatedBridge } from '../support/gated-bridge.ts';
import { assertNoProblems, connectDemo, openBridgeList, screenshot, startWeb, waitForHeading, type WebHarness } from './browser.ts';

let web: WebHarness;
const single = new GatedBridge({ id: 'single', displayName: 'Single Scope Chat' });
const unreachable = new GatedBridge({ id: 'flaky', displayName: 'Flaky Chat' });
unreachable.healthy = false;
const disabled = new GatedBridge({ id: 'off', displayName: 'Old Bridge', enabled: false });

before(async () => {
  web = await startWeb({ bridges: [single, unreachable, disabled] });
});
after(() => web?.close());

/** Add a login through the API, as another client would. */
async function demoLogin(username: string): Promise<void> {
  const { server } = web;
  const created = await server.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  const done = await server.api('POST', `/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/steps/demo.password`, {
    type: 'user_input',
    fields: { username, password: 'pw' },
  });
  assert.equal(done.body.status, 'complete');
}

async function gatedLogin(name: string): Promise<void> {
  const { server } = web;
  const created = await server.api('POST', '/v1/bridges/single/login-sessions');
  const submitted = server.api('POST', `/v1/bridges/single/login-sessions/${created.body.loginSessionID}/steps/gated.name`, { type: 'user_input', fields: { name } });
  await eventually(() => single.waiting > 0, 'the gated submit');
  single.open();
  assert.equal((await submitted).body.status, 'complete');
}

test('bridges that cannot connect have a disabled Connect button and say why', async () => {
  const { page } = web;
  await openBridgeList(page);
  for (const [id, reason] of [['flaky', 'does not answer'], ['off', 'turned off']] as const) {
    const card = page.locator(`[data-bridge="${id}"]`);
    const button = card.getByRole('button', { name: /^Connect to/ });
    assert.equal(await button.isDisabled(), true, id);
    const reasonID = await button.getAttribute('aria-describedby');
    assert.match(await card.locator(`[id="${reasonID}"]`).innerText(), new RegExp(reason), id);
  }
  // One flow: no choice to make.
  assert.equal(await page.locator('[data-bridge="single"] select').count(), 0);
  assert.equal(await page.locator('[data-bridge="single"]').getByRole('button', { name: 'Connect to Single Scope Chat' }).isEnabled(), true);
  assertNoProblems(web);
});

test('Cancel cancels the session on the server and says so', async () => {
  const { page, server } = web;
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login-sessions'));
  await connectDemo(page, 'password');
  const session = await (await created).json();
  await waitForHeading(page, 'Sign in');
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  await page.locator('.step-body').getByText('Nothing was connected.').waitFor();
  const onServer = await server.api('GET', `/v1/bridges/demo/login-sessions/${session.loginSessionID}`);
  assert.equal(onServer.body.status, 'cancelled');
  await page.locator('#announcer', { hasText: 'Login cancelled' }).waitFor();
  await screenshot(page, 'cancelled');
  assertNoProblems(web);
});

test('a session that expires while shown says so and offers to start again', async () => {
  const { page, server } = web;
  await connectDemo(page, 'password');
  await waitForHeading(page, 'Sign in');
  server.clock.advance((server.config.sessions.ttlSeconds + 1) * 1000);
  await waitForHeading(page, 'Login session expired');
  await page.locator('.step-body').getByText('expired before it was finished').waitFor();
  await page.locator('code', { hasText: 'session_expired' }).waitFor();
  await screenshot(page, 'expired');
  await page.getByRole('button', { name: 'Start again' }).click();
  await waitForHeading(page, 'Sign in');
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  assertNoProblems(web);
});

test('Remove asks for confirmation and a scope, then removes the login on the server', async () => {
  const { page, server } = web;
  await demoLogin('erin');
  await demoLogin('frank');
  await openBridgeList(page);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const demo = page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"]');
  const erin = demo.locator('.login', { hasText: 'erin' });
  await erin.waitFor();

  // Keep (or Escape) closes the confirmation and changes nothing.
  await erin.getByRole('button', { name: 'Remove erin' }).click();
  await erin.getByRole('group', { name: 'Sign out' }).waitFor();
  await page.keyboard.press('Escape');
  await erin.locator('.confirm').waitFor({ state: 'detached' });
  assert.ok(await erin.getByRole('button', { name: 'Remove erin' }).evaluate((el) => el === document.activeElement));

  await erin.getByRole('button', { name: 'Remove erin' }).click();
  const scopes = erin.getByRole('radio');
  assert.equal(await scopes.count(), 2);
  assert.equal(await scopes.first().isChecked(), true, 'the first scope is the default');
  await erin.getByRole('radio', { name: /Everywhere/ }).check();
  await screenshot(page, 'remove-confirm');
  const request = page.waitForRequest((r) => r.url().endsWith('/remove'));
  await erin.locator('.confirm').getByRole('button', { name: 'Remove erin' }).click();
  assert.deepEqual((await request).postDataJSON(), { scope: 'all-devices' });

  await demo.locator('.login', { hasText: 'erin' }).waitFor({ state: 'detached' });
  await demo.locator('.login', { hasText: 'frank' }).waitFor();
  await page.locator('#announcer', { hasText: 'Removed erin' }).waitFor();
  const logins = await server.api('GET', '/v1/bridges/demo/logins');
  assert.deepEqual(logins.body.items.map((l: { user?: { username?: string } }) => l.user?.username), ['frank']);
  assertNoProblems(web);
});

test('a login with a single remove scope is removed after a plain confirmation', async () => {
  const { page, server } = web;
  await gatedLogin('gina');
  await page.getByRole('button', { name: 'Refresh' }).click();
  const card = page.locator('#bridge-list:not([aria-busy]) [data-bridge="single"]');
  const gina = card.locator('.login', { hasText: 'gina' });
  await gina.getByRole('button', { name: 'Remove gina' }).click();
  assert.equal(await gina.getByRole('radio').count(), 0);
  const request = page.waitForRequest((r) => r.url().endsWith('/remove'));
  await gina.locator('.confirm').getByRole('button', { name: 'Remove gina' }).click();
  assert.deepEqual((await request).postDataJSON(), { scope: 'all-devices' });
  await card.getByText('No account connected yet.').waitFor();
  assert.deepEqual((await server.api('GET', '/v1/bridges/single/logins')).body.items, []);
  assertNoProblems(web);
});
