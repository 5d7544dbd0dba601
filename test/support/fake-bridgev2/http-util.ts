/**
 * @module test/support/fake-bridgev2/http-util
 * Routing and body parsing of the fake provisioning API.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteName = 'whoami' | 'flows' | 'logins' | 'capabilities' | 'start' | 'step' | 'cancel' | 'logout';

export function matchRoute(parts: string[]): { name: RouteName; method: string; args: string[] } | undefined {
  const [v3, a, b, ...rest] = parts;
  if (v3 !== 'v3' || a === undefined) return undefined;
  if (b === undefined) {
    if (a === 'whoami') return { name: 'whoami', method: 'GET', args: [] };
    if (a === 'logins') return { name: 'logins', method: 'GET', args: [] };
    if (a === 'capabilities') return { name: 'capabilities', method: 'GET', args: [] };
    return undefined;
  }
  if (a === 'logout' && rest.length === 0) return { name: 'logout', method: 'POST', args: [b] };
  if (a !== 'login') return undefined;
  if (b === 'flows' && rest.length === 0) return { name: 'flows', method: 'GET', args: [] };
  if (b === 'start' && rest.length === 1) return { name: 'start', method: 'POST', args: rest };
  if (b === 'cancel' && rest.length === 1) return { name: 'cancel', method: 'POST', args: rest };
  if (b === 'step' && rest.length === 3) return { name: 'step', method: 'POST', args: rest };
  return undefined;
}

/** Aborted when the client goes away before its answer was sent (Go's request context). */
export function requestSignal(res: ServerResponse): AbortSignal {
  const ctrl = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ctrl.abort(new Error('context canceled'));
  });
  return ctrl.signal;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Go's `json.Decode(&map[string]string)`: an object of strings, nothing else. */
export function parseStringMap(body: string): Record<string, string> | undefined {
  if (!isJSON(body)) return undefined;
  const value: unknown = JSON.parse(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([, v]) => typeof v === 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

export function isJSON(body: string): boolean {
  try {
    JSON.parse(body);
    return body.trim() !== '';
  } catch {
    return false;
  }
}

export function defaultCapabilities(): Record<string, unknown> {
  return {
    resolve_identifier: {
      create_dm: false,
      lookup_phone: false,
      lookup_email: false,
      lookup_username: false,
      any_phone: false,
      contact_list: false,
      search: false,
    },
    group_creation: null,
  };
}
