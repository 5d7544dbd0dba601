/**
 * @module oauth/redirects
 * Which redirect URIs an app may register (api.md §12, RFC 8252): `https`, `http` only to a
 * loopback address (any port), or a private-use scheme (`com.example.app:/cb`). No fragments, and
 * nothing that is not an absolute URI. At authorization they must match a registered one exactly.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a redirect URI cannot be registered, or undefined when it can. */
export function redirectProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${JSON.stringify(uri)} is not an absolute URI`;
  }
  if (url.hash !== '' || uri.includes('#')) return 'a redirect URI may not have a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'http is allowed only for loopback addresses (127.0.0.1, [::1], localhost); use https';
  // A private-use scheme is a reverse domain name (RFC 8252 §7.1); never a script-running one.
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/i.test(url.protocol)) return undefined;
  return `the scheme ${url.protocol} is not allowed; use https, http on loopback, or a private-use scheme like com.example.app:`;
}

/** The host an app's redirect goes to, as the consent page shows it. */
export function redirectHost(uri: string): string {
  const url = new URL(uri);
  return url.host === '' ? url.protocol : url.host;
}
