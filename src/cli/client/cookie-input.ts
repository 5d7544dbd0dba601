/**
 * @module cli/client/cookie-input
 * Reads cookie values out of what a person pastes for a `cookies` step: a `Cookie:` header, a
 * cURL command copied from the browser (`-H 'Cookie: …'`, `-b '…'`, other `-H` headers), or a
 * bare value. Pure functions.
 */
import type { CookieField } from './api-types.ts';
import { splitShellWords } from './shell-words.ts';

/**
 * Parses the value of a `Cookie` header (with or without the `Cookie:` prefix) into name → value.
 * @example parseCookieHeader('Cookie: a=1; b=x=y') // → { a: '1', b: 'x=y' }
 */
export function parseCookieHeader(header: string): Record<string, string> {
  const text = header.trim().replace(/^cookie\s*:\s*/i, '');
  const cookies: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

export interface CurlRequest {
  /** Every `-H` header, in order; names as written. */
  headers: [string, string][];
  /** Cookies from `Cookie` headers and from `-b`/`--cookie name=value` data. */
  cookies: Record<string, string>;
}

/**
 * Reads the headers and cookies of a cURL command line.
 * @example parseCurlCommand(`curl https://x -b 'a=1' -H 'X-Token: t'`).cookies // → { a: '1' }
 */
export function parseCurlCommand(command: string): CurlRequest {
  const words = splitShellWords(command);
  const headers: [string, string][] = [];
  const cookies: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const header = optionValue(word, words[i + 1], '-H', '--header');
    const cookie = optionValue(word, words[i + 1], '-b', '--cookie');
    const found = header ?? cookie;
    if (!found) continue;
    if (found.consumedNext) i += 1;
    if (header) {
      const colon = header.value.indexOf(':');
      if (colon <= 0) continue;
      const name = header.value.slice(0, colon).trim();
      const value = header.value.slice(colon + 1).trim();
      headers.push([name, value]);
      if (name.toLowerCase() === 'cookie') Object.assign(cookies, parseCookieHeader(value));
    } else if (cookie && cookie.value.includes('=')) {
      // Without "=", -b names a cookie file, which is of no use here.
      Object.assign(cookies, parseCookieHeader(cookie.value));
    }
  }
  return { headers, cookies };
}

function optionValue(word: string, next: string | undefined, short: string, long: string): { value: string; consumedNext: boolean } | undefined {
  if (word === short || word === long) return next === undefined ? undefined : { value: next, consumedNext: true };
  if (word.startsWith(long + '=')) return { value: word.slice(long.length + 1), consumedNext: false };
  if (word.startsWith(short) && !word.startsWith('--')) return { value: word.slice(short.length), consumedNext: false };
  return undefined;
}

export type PasteKind = 'curl' | 'header' | 'value';

export interface PastedCookies {
  kind: PasteKind;
  /** Values found, by field ID. Empty for a bare value: the caller knows which field it asked. */
  values: Record<string, string>;
}

/** Whether a pasted line starts a cURL command. */
export function isCurlCommand(text: string): boolean {
  return /^\s*curl(\.exe)?\s/i.test(text);
}

/**
 * Works out what was pasted and which fields it fills.
 * @example
 * cookiesFromPaste('a=1; demo_session=abc', [{ id: 'session', name: 'demo_session', type: 'cookie' }])
 * // → { kind: 'header', values: { session: 'abc' } }
 */
export function cookiesFromPaste(text: string, fields: CookieField[]): PastedCookies {
  const trimmed = text.trim();
  if (isCurlCommand(trimmed)) {
    const request = parseCurlCommand(trimmed);
    return { kind: 'curl', values: matchFields(fields, request.cookies, request.headers) };
  }
  if (/^cookie\s*:/i.test(trimmed)) {
    return { kind: 'header', values: matchFields(fields, parseCookieHeader(trimmed), []) };
  }
  if (trimmed.includes('=')) {
    const values = matchFields(fields, parseCookieHeader(trimmed), []);
    if (Object.keys(values).length > 0) return { kind: 'header', values };
  }
  return { kind: 'value', values: {} };
}

/** The name a field's value goes by in a `Cookie` header or a request header. */
export function cookieFieldName(field: CookieField): string {
  return field.name ?? field.id;
}

function matchFields(fields: CookieField[], cookies: Record<string, string>, headers: [string, string][]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const name = cookieFieldName(field);
    if ((field.type ?? 'cookie') === 'cookie') {
      const value = cookies[name];
      if (value !== undefined) values[field.id] = value;
    } else if (field.type === 'header') {
      const header = headers.find(([h]) => h.toLowerCase() === name.toLowerCase());
      if (header) values[field.id] = header[1];
    }
  }
  return values;
}
