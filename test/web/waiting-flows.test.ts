import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { assertNoProblems, connectDemo, screenshot, startWeb, waitForHeading, type WebHarness } from './browser.ts';

let web: WebHarness;
before(async () => {
  web = await startWeb();
});
after(() => web?.close());

const SEC = 1000;

/** Start a login with `flowID` from the page; resolves with the session the server created. */
async function startFromPage(page: Page, flowID: string): Promise<{ loginSessionID: string }> {
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login-sessions'));
  await connectDemo(page, flowID);
  return (await created).json();
}

async function currentStep(id: string) {
  return (await web.server.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).body.currentStep;
}

/** Record the GETs of one session the page makes (it should not poll while the stream is up). */
function countSessionGETs(page: Page, id: string): { count: () => number; stop: () => void } {
  let n = 0;
  const onRequest = (r: Request) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname.endsWith(`/login-sessions/${id}`)) n++;
  };
  page.on('request', onRequest);
  return { count: () => n, stop: () => page.off('request', onRequest) };
}

test('a QR login: the page shows the code large, and completes when the phone POSTs the scan URL', async () => {
  const { page } = web;
  const session = await startFromPage(page, 'qr');
  const gets = countSessionGETs(page, session.loginSessionID);
  await waitForHeading(page, 'Scan the QR code');
  const img = page.locator('img.qr');
  await img.waitFor();
  const step = await currentStep(session.loginSessionID);
  assert.equal(await img.getAttribute('src'), step.display.imageURL);
  assert.equal(await img.getAttribute('data-qr'), step.display.data);
  const size = await img.evaluate((el: HTMLImageElement) => ({ natural: el.naturalWidth, width: el.getBoundingClientRect().width, rendering: getComputedStyle(el).imageRendering }));
  assert.ok(size.natural > 0, 'the data: image is allowed by the CSP and decoded');
  assert.ok(size.width >= 280, `shown at least 280 px wide (${size.width})`);
  assert.equal(size.rendering, 'pixelated');
  assert.match(await page.locator('.countdown').innerText(), /expires in (1\d|20) s/);
  await page.locator('.step-body').getByText('Scan this code with the Demo Chat phone app').waitFor();
  await screenshot(page, 'qr');

  const scanned = await fetch(step.display.data, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=Quinn' });
  assert.equal(scanned.status, 200);
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Quinn').waitFor();
  assert.equal(gets.count(), 0, 'the page followed the event stream, without polling');
  gets.stop();
  assertNoProblems(web);
});

test('a QR login finishes from the page alone: "I scanned it" POSTs the scan URL, same-origin', async () => {
  const { page, server } = web;
  const session = await startFromPage(page, 'qr');
  await page.locator('img.qr').waitFor();
  const step = await currentStep(session.loginSessionID);
  assert.match(step.instructions, /open its link and confirm/, 'the instructions promise the link');
  const link = page.locator('a.qr-link');
  assert.equal(await link.getAttribute('href'), step.display.data, 'the promised link is shown');
  assert.equal(new URL(step.display.data).origin, server.baseURL);
  assert.equal(await link.getAttribute('target'), '_blank');

  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === step.display.data);
  await page.getByRole('button', { name: 'I scanned it' }).click();
  await posted;
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Demo Phone').waitFor();
  const done = await server.api('GET', `/v1/bridges/demo/login-sessions/${session.loginSessionID}`);
  assert.equal(done.body.status, 'complete');
  assertNoProblems(web);
});

test("a QR login finishes through the code's link in a second tab: the demo phone's confirm page", async () => {
  const { page, context, server } = web;
  const session = await startFromPage(page, 'qr');
  const link = page.locator('a.qr-link');
  await link.waitFor();
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await tab.getByRole('heading', { name: 'Demo phone: confirm sign-in' }).waitFor();
  await tab.getByLabel('Sign in as').fill('Tabitha');
  await tab.getByRole('button', { name: 'Confirm sign-in' }).click();
  await tab.getByRole('heading', { name: 'Signed in' }).waitFor();
  await tab.close();
  await page.bringToFront();
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Tabitha').waitFor();
  assert.equal((await server.api('GET', `/v1/bridges/demo/login-sessions/${session.loginSessionID}`)).body.status, 'complete');
  assertNoProblems(web);
});

test('a QR refresh replaces the code on the page at once, with a fresh countdown', async () => {
  const { page, server } = web;
  const session = await startFromPage(page, 'qr');
  const img = page.locator('img.qr');
  await img.waitFor();
  const oldData = await img.getAttribute('data-qr');
  const cancel = page.getByRole('button', { name: 'Cancel login' });
  await cancel.focus();

  server.clock.advance(20 * SEC);
  await page.locator(`img.qr:not([data-qr="${oldData}"])`).waitFor();
  const step = await currentStep(session.loginSessionID);
  assert.equal(await img.getAttribute('data-qr'), step.display.data);
  assert.equal(await img.getAttribute('src'), step.display.imageURL);
  assert.match(await page.locator('.countdown').innerText(), /expires in (1\d|20) s/);
  await page.locator('#announcer', { hasText: 'A new QR code is shown.' }).waitFor();
  assert.ok(await cancel.evaluate((el) => el === document.activeElement), 'the refresh leaves the focus where it was');
  assert.equal((await fetch(oldData ?? '', { method: 'POST' })).status, 404, 'the old code no longer works');

  await cancel.click();
  await waitForHeading(page, 'Login cancelled');
  assert.equal((await currentStep(session.loginSessionID)), undefined);
  assertNoProblems(web);
});

test('when every QR code expires the page shows the failure', async () => {
  const { page, server } = web;
  await startFromPage(page, 'qr');
  const img = page.locator('img.qr');
  for (let i = 1; i < 5; i++) {
    const shown = await img.getAttribute('data-qr');
    server.clock.advance(20 * SEC);
    await page.locator(`img.qr:not([data-qr="${shown}"])`).waitFor();
  }
  server.clock.advance(20 * SEC);
  await waitForHeading(page, 'Login failed');
  await page.locator('code', { hasText: 'login_timed_out' }).waitFor();
  assertNoProblems(web);
});

test('a pairing-code login: the code is shown large and the login completes once it is entered on /demo/link', async () => {
  const { page, server } = web;
  const session = await startFromPage(page, 'code');
  await waitForHeading(page, 'Enter the pairing code');
  const shown = page.locator('.code-display');
  const code = await shown.getAttribute('data-code');
  assert.equal(code, (await currentStep(session.loginSessionID)).display.data);
  const style = await shown.evaluate((el) => ({ size: parseFloat(getComputedStyle(el).fontSize), font: getComputedStyle(el).fontFamily }));
  assert.ok(style.size >= 32, `large (${style.size}px)`);
  assert.match(style.font, /mono/i);
  assert.equal(await page.locator('.instructions a').getAttribute('href'), `${server.baseURL}/demo/link`, 'the URL in the instructions is a link');
  await screenshot(page, 'pairing-code');

  const linked = await fetch(`${server.baseURL}/demo/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: code ?? '', username: 'Linda' }).toString(),
  });
  assert.equal(linked.status, 200);
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Linda').waitFor();
  assertNoProblems(web);
});

test('a cookie login: sign in in a second tab, paste its demo_session cookie, and the login completes', async () => {
  const { page, context, server } = web;
  await startFromPage(page, 'cookies');
  await waitForHeading(page, 'Sign in on the website');
  const link = page.getByRole('link', { name: /Open the sign-in page/ });
  assert.equal(await link.getAttribute('href'), `${server.baseURL}/demo/sign-in`);
  assert.equal(await link.getAttribute('target'), '_blank');
  const field = page.getByLabel('demo_session');
  await screenshot(page, 'cookies');

  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await tab.getByLabel('Username').fill('Cora');
  await tab.getByLabel('Password').fill('hunter2');
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.waitForURL('**/demo/signed-in');
  const cookie = (await context.cookies(server.baseURL)).find((c) => c.name === 'demo_session');
  assert.ok(cookie, 'the sign-in page set demo_session');
  await tab.close();

  await page.bringToFront();
  await field.fill(cookie.value);
  const submitted = page.waitForRequest((r) => r.url().includes('/steps/'));
  await page.getByRole('button', { name: 'Continue' }).click();
  const body = (await submitted).postDataJSON();
  assert.deepEqual(body, { type: 'cookies', fields: { session: cookie.value } });
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Cora').waitFor();
  assertNoProblems(web);
});

test('when the event stream cannot be read the page polls the session and still sees the change', async () => {
  const { page, server } = web;
  await page.route('**/events', (route) => route.abort());
  try {
    const session = await startFromPage(page, 'code');
    const gets = countSessionGETs(page, session.loginSessionID);
    const code = await page.locator('.code-display').getAttribute('data-code');
    await fetch(`${server.baseURL}/demo/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: code ?? '', username: 'Polly' }).toString(),
    });
    await waitForHeading(page, 'Account connected');
    await page.locator('.account-card').getByText('Polly').waitFor();
    assert.ok(gets.count() >= 1);
    gets.stop();
  } finally {
    await page.unroute('**/events');
  }
  // The blocked stream shows up as console errors (net::ERR_FAILED); nothing else may.
  assert.deepEqual(web.problems.filter((p) => !p.includes('net::ERR_FAILED')), []);
  web.problems.length = 0;
});
