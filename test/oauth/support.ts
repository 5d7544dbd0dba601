/**
 * Test helper for OAuth: the consent step done in Chromium the way a person would: open the
 * authorization URL, press Allow or Deny, and catch the browser's way back to the app's redirect
 * URI, which the browser context answers itself (no app needs to listen there).
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Make the browser context answer every request to the app's origin (its redirect URI) itself. */
export async function standInForApp(context: BrowserContext, appOrigin: string): Promise<void> {
  await context.route(
    (url) => url.origin === appOrigin,
    (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back in the app' }),
  );
}

/** Open `authorizationURL`, answer the consent, and return the URL the browser went back to. */
export async function consentInBrowser(page: Page, authorizationURL: string, redirectPrefix: string, answer: 'Allow' | 'Deny' = 'Allow'): Promise<URL> {
  await page.goto(authorizationURL);
  await page.getByRole('button', { name: answer }).click();
  await page.waitForURL((url) => url.href.startsWith(redirectPrefix));
  return new URL(page.url());
}
