/**
 * Test helper for the web page: the real server (test/support/server.ts) and one headless
 * Debian Chromium per test file, driven by playwright-core. Pages are checked for script
 * errors and CSP violations. With SCREENSHOTS=1 (`npm run screenshots`), `screenshot()` writes
 * docs/screenshots/*.png, and the server and browser are set up to draw the same pixels on every
 * run (repeatable.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ManualClock } from '../../src/clock.ts';
import { startTestServer, tempDir, type TestServer, type TestServerOptions } from '../support/server.ts';
import { SCREENSHOT_PORT, SCREENSHOT_TIME, screenshotFontConfig, seededBytes } from './repeatable.ts';

const CHROMIUM = '/usr/bin/chromium';
const screenshotDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const saveScreenshots = process.env.SCREENSHOTS === '1';

export interface WebHarness {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Problems the page reported (uncaught errors, CSP refusals, console errors not expected). */
  problems: string[];
  close(): Promise<void>;
}

/** Start a server and a browser with one page open on the server, signed in unless `token` is false. */
export async function startWeb(options: TestServerOptions & { token?: boolean } = {}): Promise<WebHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the web tests drive Debian's chromium, and ${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it when missing)`);
  }
  const fonts = saveScreenshots ? tempDir() : undefined;
  const server = await startTestServer(
    saveScreenshots ? { clock: new ManualClock(SCREENSHOT_TIME), port: SCREENSHOT_PORT, demoRandom: seededBytes('screenshots'), ...options } : options,
  );
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // Re-rastering only the changed part of a tile left anti-aliased corners a shade apart between runs.
        ...(saveScreenshots ? ['--disable-partial-raster', '--force-color-profile=srgb'] : []),
      ],
      ...(fonts ? { env: { ...process.env, FONTCONFIG_FILE: screenshotFontConfig(fonts.dir) } } : {}),
    });
    context = await browser.newContext({ viewport: { width: 900, height: 760 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    // The page's Date stands still (countdowns read the same); its timers still run.
    if (saveScreenshots) await context.clock.setFixedTime(SCREENSHOT_TIME);
    context.on('page', (p) => watchProblems(p, problems));
    page = await context.newPage();
    await page.goto(options.token === false ? `${server.baseURL}/` : `${server.baseURL}/#token=${server.token}`);
  } catch (err) {
    // Leave nothing running, or the test file would never exit.
    await browser?.close().catch(() => undefined);
    await server.close();
    fonts?.remove();
    throw err;
  }
  return {
    server,
    browser,
    context,
    page,
    problems,
    close: async () => {
      await browser.close();
      await server.close();
      fonts?.remove();
    },
  };
}

function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // The page reports API errors itself; the browser also logs each non-2xx fetch.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) {
      problems.push(`console: ${text}`);
    }
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
  });
}

/** Assert that no page reported a problem so far. */
export function assertNoProblems(web: WebHarness): void {
  assert.deepEqual(web.problems, []);
}

/** Save a full-page screenshot as docs/screenshots/<name>.png when SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!saveScreenshots) return;
  mkdirSync(screenshotDir, { recursive: true });
  // A pointer left over a button would draw its hover colour, depending on where the last click was.
  await page.mouse.move(0, 0);
  // Spinners move; stop them and the caret so that two runs look alike.
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true, caret: 'hide', animations: 'disabled' });
}

/** Show the bridge list (from any view) and wait until it has loaded. */
export async function openBridgeList(page: Page): Promise<void> {
  const back = page.getByRole('button', { name: 'Back to accounts' });
  if (await back.isVisible()) await back.click();
  await page.locator('#bridges-view:not([hidden])').waitFor();
  await page.locator('#bridge-list:not([aria-busy]) [data-bridge="demo"]').waitFor();
}

/** From the bridge list, start a login on the demo bridge with `flowID`. */
export async function connectDemo(page: Page, flowID: string): Promise<void> {
  await openBridgeList(page);
  await page.getByLabel('Sign-in method').selectOption(flowID);
  await page.getByRole('button', { name: 'Connect to Demo Chat' }).click();
  await page.locator('#session-view:not([hidden])').waitFor();
}

/** The session panel's heading, once it reads `text`. */
export async function waitForHeading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}
