import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, connectDemo, openBridgeList, screenshot, startWeb, waitForHeading, type WebHarness } from './browser.ts';

let web: WebHarness;
before(async () => {
  web = await startWeb();
});
after(() => web?.close());

test('the token is taken from the address and removed from the address bar', async () => {
  const { page, server } = web;
  await openBridgeList(page);
  assert.equal(page.url(), `${server.baseURL}/`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('bridge-login.token')), server.token);
});

test('a password login, done by keyboard only, adds the account to the list', async () => {
  const { page } = web;
  await openBridgeList(page);
  // Tab from the page heading to the Connect button: every control on the way is reachable.
  for (let i = 0; i < 10; i++) {
    const name = await page.evaluate(() => document.activeElement?.textContent ?? '');
    if (name === 'Connect to Demo Chat') break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Connect to Demo Chat');
  await page.keyboard.press('Enter');

  await waitForHeading(page, 'Sign in');
  const username = page.getByLabel('Username');
  const password = page.getByLabel('Password');
  assert.equal(await username.getAttribute('placeholder'), 'alice');
  assert.equal(await password.getAttribute('type'), 'password');
  assert.ok(await username.evaluate((el) => el === document.activeElement), 'the first field has the focus');
  await page.locator('.step-body').getByText('Any username and password work').waitFor();
  await screenshot(page, 'password-form');

  await page.keyboard.type('alice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('hunter2');
  await page.keyboard.press('Enter');

  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('alice').waitFor();
  await page.locator('.account-card').getByText('connected', { exact: true }).waitFor();
  await page.locator('#announcer', { hasText: 'Account connected.' }).waitFor();
  await screenshot(page, 'complete');

  await page.getByRole('button', { name: 'Back to accounts' }).press('Enter');
  const demo = page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"]');
  await demo.locator('.login', { hasText: 'alice' }).waitFor();
  assert.ok(await page.locator('#bridge-demo-title').evaluate((el) => el === document.activeElement), 'focus returns to the bridge');
  assertNoProblems(web);
});

test('a field the server finds missing is marked next to the field', async () => {
  const { page } = web;
  await connectDemo(page, 'password');
  await page.getByLabel('Username').fill('bob');
  await page.getByRole('button', { name: 'Continue' }).click();
  const error = page.locator('.field-error:not([hidden])');
  await error.waitFor();
  assert.match(await error.innerText(), /password.*required/i);
  const password = page.getByLabel('Password');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.ok((await password.getAttribute('aria-describedby'))?.includes(await error.getAttribute('id') ?? '-'));
  assert.ok(await password.evaluate((el) => el === document.activeElement), 'the field in error has the focus');
  await screenshot(page, 'password-missing-field');

  await password.fill('secret');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Account connected');
  assertNoProblems(web);
});

test('a 2FA login shows the re-asked step with its new instructions and an empty field', async () => {
  const { page } = web;
  await connectDemo(page, 'password-2fa');
  await page.getByLabel('Username').fill('carol');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Continue' }).click();

  await waitForHeading(page, 'Enter the code');
  const code = page.getByLabel('Two-factor code');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  await code.fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.locator('.instructions.reasked', { hasText: 'That code was wrong' }).waitFor();
  assert.equal(await code.inputValue(), '', 'the wrong code is cleared');
  assert.ok(await code.evaluate((el) => el === document.activeElement));
  await page.locator('#announcer', { hasText: 'That code was wrong' }).waitFor();
  await screenshot(page, '2fa-reasked');

  await code.fill('123456');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('carol').waitFor();
  assertNoProblems(web);
});

test('a refused password fails the session with the message, and Start again begins anew', async () => {
  const { page } = web;
  await connectDemo(page, 'password');
  await page.getByLabel('Username').fill('dave');
  await page.getByLabel('Password').fill('incorrectpassword');
  await page.getByRole('button', { name: 'Continue' }).click();

  await waitForHeading(page, 'Login failed');
  await page.locator('.step-body').getByText('The username or password is incorrect.').waitFor();
  await page.locator('code', { hasText: 'invalid_credentials' }).waitFor();
  await screenshot(page, 'failed');

  await page.getByRole('button', { name: 'Start again' }).click();
  await waitForHeading(page, 'Sign in');
  assert.equal(await page.getByLabel('Password').inputValue(), '');
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  assertNoProblems(web);
});

test('the bridge list shows every login with its status', async () => {
  const { page } = web;
  await openBridgeList(page);
  const demo = page.locator('[data-bridge="demo"]');
  for (const name of ['alice', 'bob', 'carol']) {
    const item = demo.locator('.login', { hasText: name });
    await item.waitFor();
    await item.getByText('connected', { exact: true }).waitFor();
  }
  assert.equal(await demo.locator('.login', { hasText: 'dave' }).count(), 0);
  await screenshot(page, 'bridge-list');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'bridge-list-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assertNoProblems(web);
});
