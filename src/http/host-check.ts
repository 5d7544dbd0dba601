/**
 * DNS-rebinding defence (`api.md` §1): only loopback names and configured hosts may appear in
 * the `Host` header.
 */
import { invalidRequest } from '../errors.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Strip the port from a Host header value: `[::1]:80` → `[::1]`, `localhost:1` → `localhost`. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** Build the check for a list of extra allowed host names. */
export function makeHostCheck(allowed: readonly string[]): (host: string | undefined) => boolean {
  const extra = new Set(allowed.map((h) => hostName(h)));
  return (host) => {
    if (!host) return false;
    const name = hostName(host);
    return LOOPBACK.has(name) || extra.has(name);
  };
}

/**
 * The authority of an absolute-form request target (`GET http://host:port/path`), which HTTP
 * says overrides the Host header; undefined for the usual origin-form (`/path`). Any other form
 * (`*`, which the router would otherwise send to `/`) is refused with 400 `invalid_request`.
 */
export function targetAuthority(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (!m) {
    const message = 'the request target must be a path such as /v1/info';
    throw invalidRequest([{ code: 'request_target', message, path: [] }], message);
  }
  return m[1]!.slice(m[1]!.lastIndexOf('@') + 1);
}
