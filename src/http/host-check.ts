/**
 * DNS-rebinding defence (`api.md` §1): only loopback names and configured hosts may appear in
 * the `Host` header.
 */
import { invalidRequest } from '../errors.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A Host name or `[IPv6]` literal with an optional port of digits, nothing else: no white space
 * (`.trim()` would also strip a no-break space sent as byte 0xA0), nothing after the name.
 */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::[0-9]{1,5})?$/i;

/**
 * The name of a Host header value without its port (`[::1]:80` → `[::1]`, `localhost:1` →
 * `localhost`), or undefined when the value is not strictly a host and port: `localhost:evil.com`,
 * `[::1]evil.com` and a name with white space around it name nothing.
 */
export function hostName(host: string): string | undefined {
  const m = HOST.exec(host);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Build the check for a list of extra allowed host names. */
export function makeHostCheck(allowed: readonly string[]): (host: string | undefined) => boolean {
  const extra = new Set(allowed.map((h) => hostName(h) ?? h.toLowerCase()));
  return (host) => {
    const name = host ? hostName(host) : undefined;
    return name !== undefined && (LOOPBACK.has(name) || extra.has(name));
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
