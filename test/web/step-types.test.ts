import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, openBridgeList, screenshot, startWeb, waitForHeading, type WebHarness } from './browser.ts';
import { CAPTCHA_PNG, CAPTCHA_WAV, SHOWCASE_QR_DATA, ShowcaseBridge } from './showcase-bridge.ts';

let web: WebHarness;
const showcase = new ShowcaseBridge();
before(async () => {
  web = await startWeb({ bridges: [showcase] });
});
after(() => web?.close());

test('a form uses the input type, label, placeholder, initial value, pattern and help of each field', async () => {
  const { page } = web;
  await openBridgeList(page);
  await page.getByRole('button', { name: 'Connect to Showcase' }).click();
  await waitForHeading(page, 'Sign in');
  await page.locator('.step-body').getByText('Tell us about the account.').waitFor();

  const email = page.getByLabel('Email');
  assert.equal(await email.getAttribute('type'), 'email');
  assert.equal(await email.inputValue(), 'sam@example.org');
  const phone = page.getByLabel(/Phone number/);
  assert.equal(await phone.getAttribute('type'), 'tel');
  assert.equal(await phone.getAttribute('placeholder'), '+1 555 0100');
  assert.equal(await phone.getAttribute('required'), null, 'optional');
  await page.locator('label', { hasText: 'Phone number' }).getByText('(optional)').waitFor();
  const hintID = (await phone.getAttribute('aria-describedby'))?.split(' ')[0];
  assert.equal(await page.locator(`[id="${hintID}"]`).innerText(), 'Only used to send a sign-in code.');
  assert.equal(await page.getByLabel('Homeserver').getAttribute('type'), 'url');
  const region = page.getByLabel('Region');
  assert.equal(await region.evaluate((el) => el.tagName), 'SELECT');
  assert.deepEqual(await region.locator('option').allInnerTexts(), ['Europe', 'Americas', 'Asia']);
  assert.equal(await region.inputValue(), 'Americas');
  const pin = page.getByLabel('PIN');
  assert.equal(await pin.getAttribute('inputmode'), 'numeric');
  assert.equal(await pin.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await pin.getAttribute('pattern'), '[0-9]{4}');

  await page.getByLabel('Homeserver').fill('https://chat.example.org');
  await pin.fill('12');
  await page.getByRole('button', { name: 'Continue' }).click();
  const error = page.locator('.field-error:not([hidden])');
  await error.waitFor();
  assert.match(await error.innerText(), /pin.*format/i);
  assert.equal(await pin.getAttribute('aria-invalid'), 'true');
  assert.equal(await error.count(), 1, 'only the PIN is in error');
  await screenshot(page, 'form-field-types');

  await pin.fill('1234');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Compare the emoji');
  assertNoProblems(web);
});

test('emoji are shown large, a display with nothing to show has a spinner and its instructions', async () => {
  const { page } = web;
  const emoji = page.locator('.emoji-display');
  assert.equal(await emoji.innerText(), '🐶 🍀 🔑 🎈');
  assert.ok(parseFloat(await emoji.evaluate((el) => getComputedStyle(el).fontSize)) >= 40);
  assert.ok(await page.locator('img.emoji-image').evaluate((el: HTMLImageElement) => el.naturalWidth > 0));
  await screenshot(page, 'emoji');

  showcase.next();
  await waitForHeading(page, 'Waiting for the other side');
  await page.locator('.step-body').getByText('Waiting for the network to confirm the new device.').waitFor();
  await page.locator('.spinner').waitFor();
  await screenshot(page, 'waiting');

  showcase.next();
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Sam Sample').waitFor();
  await page.locator('.account-card').getByText('@sam').waitFor();
  assertNoProblems(web);
});

test('a step\'s image and audio attachments are shown from data: URIs; other kinds are only named', async () => {
  const { page } = web;
  await page.getByRole('button', { name: 'Back to accounts' }).click();
  await openBridgeList(page);
  const card = page.locator('[data-bridge="showcase"]');
  await card.getByLabel('Sign-in method').selectOption('captcha');
  await card.getByRole('button', { name: 'Connect to Showcase' }).click();
  await waitForHeading(page, 'Sign in');
  const shown = page.locator('.step-body .attachments');
  await shown.waitFor();

  const img = shown.locator('img');
  assert.equal(await img.count(), 1, 'only the PNG is an image');
  assert.equal(await img.getAttribute('src'), `data:image/png;base64,${CAPTCHA_PNG.toString('base64')}`);
  assert.equal(await img.getAttribute('alt'), 'captcha.png');
  await page.waitForFunction(() => document.querySelector<HTMLImageElement>('.attachments img')?.complete);
  assert.equal(await img.evaluate((el: HTMLImageElement) => el.naturalWidth), 180, 'decoded, and allowed by the CSP');

  const audio = page.getByRole('figure').locator('audio');
  assert.equal(await audio.getAttribute('src'), `data:audio/wav;base64,${CAPTCHA_WAV.toString('base64')}`);
  assert.equal(await audio.getAttribute('aria-label'), 'Audio: captcha.wav');
  assert.equal(await audio.getAttribute('controls'), '');
  await page.waitForFunction(() => (document.querySelector('audio')?.readyState ?? 0) >= 1);
  assert.ok(Math.abs(await audio.evaluate((el: HTMLAudioElement) => el.duration) - 0.3) < 0.01, 'decoded, and allowed by the CSP');

  const notes = shown.locator('.attachment-note');
  assert.deepEqual(await notes.allInnerTexts(), [
    'An attachment “<img src=x onerror=alert(1)>.svg” (image/svg+xml) cannot be shown here.',
    'An attachment “missing.png” (image/png) cannot be shown here.',
  ]);
  assert.equal(await page.locator('.step-body svg, .step-body img[src^="data:image/svg"]').count(), 0);
  const field = page.getByLabel('Characters');
  assert.ok(await field.evaluate((el) => el === document.activeElement), 'the field has the focus, below the pictures');
  await screenshot(page, 'attachments');

  await field.fill('W7K3');
  await page.getByRole('button', { name: 'Continue' }).click();
  await waitForHeading(page, 'Account connected');
  await page.locator('.account-card').getByText('Robin (W7K3)').waitFor();
  assertNoProblems(web);
});

test('a QR code\'s link is shown only where the instructions promise it, and "I scanned it" only for this server\'s demo', async () => {
  const { page } = web;
  for (const [flow, promised] of [['qr-link', true], ['qr-app', false]] as const) {
    await page.getByRole('button', { name: /Back to accounts|Cancel login/ }).click();
    await openBridgeList(page);
    const card = page.locator('[data-bridge="showcase"]');
    await card.getByLabel('Sign-in method').selectOption(flow);
    await card.getByRole('button', { name: 'Connect to Showcase' }).click();
    await waitForHeading(page, 'Scan the QR code');
    assert.equal(await page.locator('.step-body .code-display').innerText(), SHOWCASE_QR_DATA, 'without an image the payload is shown');
    const link = page.locator('a.qr-link');
    assert.equal(await link.count(), promised ? 1 : 0, `${flow}: the link`);
    if (promised) assert.equal(await link.getAttribute('href'), SHOWCASE_QR_DATA);
    assert.equal(await page.getByRole('button', { name: 'I scanned it' }).count(), 0, `${flow}: another origin's code is not the demo's`);
  }
  await page.getByRole('button', { name: 'Cancel login' }).click();
  await waitForHeading(page, 'Login cancelled');
  assertNoProblems(web);
});
