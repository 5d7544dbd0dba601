/**
 * @module cli/client/connection
 * Which server to talk to and with which token: `--base-url`/`--token` first, then
 * `BEEPER_BASE_URL` (the official SDK's name, so a shell set up for the SDK is followed) or
 * `BEEPER_DESKTOP_BASE_URL`, and `BEEPER_ACCESS_TOKEN`, then this server's defaults
 * (127.0.0.1:23373 and the token file it writes on first start). The environment comes in as
 * a parameter (the caller's IO), never from `process.env`.
 */
import { UsageError } from './errors.ts';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:23373';

export interface ConnectionFlags {
  baseUrl?: string;
  token?: string;
}

export interface Connection {
  baseURL: string;
  token?: string;
  /** Where the token came from; used to word the hint when the server refuses it. */
  tokenSource: 'flag' | 'env' | 'file' | 'credentials' | 'none';
}

/**
 * @example
 * resolveConnection({}, { BEEPER_ACCESS_TOKEN: 't' }, '/data/access-token', () => undefined)
 * // → { baseURL: 'http://127.0.0.1:23373', token: 't', tokenSource: 'env' }
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  tokenFilePath: string,
  readTokenFile: (filePath: string) => string | undefined,
  /** What `bridge-login login` saved (api.md §10): its server is the default one, its token used there. */
  credentials?: { baseURL: string; accessToken: string },
): Connection {
  // BEEPER_BASE_URL wins when both are set, as in the SDK, which reads only that one.
  const baseURL = (flags.baseUrl || env['BEEPER_BASE_URL'] || env['BEEPER_DESKTOP_BASE_URL'] || credentials?.baseURL || DEFAULT_BASE_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseURL);
  } catch {
    throw new UsageError('invalid_base_url', `"${baseURL}" is not a URL (expected something like ${DEFAULT_BASE_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError('invalid_base_url', `"${baseURL}" is not an http:// or https:// URL`);
  }

  if (flags.token) return { baseURL, token: flags.token, tokenSource: 'flag' };
  const envToken = env['BEEPER_ACCESS_TOKEN'];
  if (envToken) return { baseURL, token: envToken, tokenSource: 'env' };
  // The saved token goes only to the server that issued it.
  if (credentials && credentials.baseURL.replace(/\/+$/, '') === baseURL) return { baseURL, token: credentials.accessToken, tokenSource: 'credentials' };
  // The token file belongs to the server on this machine: never send it anywhere else.
  if (isLoopback(parsed.hostname)) {
    const fileToken = readTokenFile(tokenFilePath)?.trim();
    if (fileToken) return { baseURL, token: fileToken, tokenSource: 'file' };
  }
  return { baseURL, tokenSource: 'none' };
}

/** Whether a URL host name names this machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
