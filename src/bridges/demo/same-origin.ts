/**
 * The demo pages' forms are plain HTML posts, which a browser sends cross-site without a
 * preflight: any web page the user visits could post them (and, through the sign-in page, make
 * the server store a cookie per post). They are accepted only from this server's own pages.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request comes from another site's page. A browser that sends `Sec-Fetch-Site` says
 * so there, and is believed (the demo pages send no referrer, so such a browser's own form posts
 * carry `Origin: null`); without it, an `Origin` (`null` included) that is not the host the
 * request was sent to is another site. A request with neither (a non-browser client) is not.
 */
export function isCrossSite(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== headers.host?.toLowerCase();
  } catch {
    return true;
  }
}
