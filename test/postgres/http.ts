/**
 * What the several-instance tests say over HTTP: a JSON client bound to a token, and the demo
 * bridge's "phone" (a QR scan sent to whichever instance the test names).
 */
import { strict as assert } from 'node:assert';

/** An answer: status, parsed JSON body (or the text), headers. */
export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Bound for any one request: a hang fails the test instead of stalling the run. */
const REQUEST_TIMEOUT_MS = 40_000;

export type Api = (base: string, method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** A client for any instance's `base` URL with `token`. */
export function apiWith(token: string): Api {
  return async (base, method, urlPath, body, headers = {}) => {
    const res = await fetch(base + urlPath, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** The path of a demo session's routes. */
export const sessionPath = (id: string): string => `/v1/bridges/demo/login-sessions/${id}`;

/** The `/demo/scan/<token>` path of a QR session's current code. */
export function scanPath(session: any): string {
  assert.equal(session.currentStep?.stepID, 'demo.qr', `expected the QR step, got ${JSON.stringify(session)}`);
  return new URL(session.currentStep.display.data).pathname;
}

/** The "phone" scans the current code of `session`, on the instance at `base`, as `username`. */
export async function scan(base: string, session: any, username: string): Promise<number> {
  const res = await fetch(base + scanPath(session), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username }).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The demo logins whose name is `username` (at most one is right: a login is derived from it). */
export async function loginsNamed(api: Api, base: string, username: string): Promise<any[]> {
  const r = await api(base, 'GET', '/v1/bridges/demo/logins');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.items as any[]).filter((l) => l.user?.username === username || l.user?.fullName === username);
}
