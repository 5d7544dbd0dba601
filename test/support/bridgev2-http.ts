/**
 * @module test/support/bridgev2-http
 * Raw HTTP calls to a fake bridgev2 provisioning API, for tests of the fake itself.
 */

import type { FakeBridgev2 } from './fake-bridgev2.ts';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface RawOptions {
  query?: Record<string, string>;
  /** Sent as is when a string, JSON-encoded otherwise. */
  body?: unknown;
  /** `null` sends no Authorization header. Default: `Bearer <shared secret>`. */
  authorization?: string | null;
  userID?: string | null;
  signal?: AbortSignal;
}

export async function raw(fake: FakeBridgev2, method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(fake.url + path);
  const userID = options.userID === undefined ? fake.userID : options.userID;
  if (userID !== null) url.searchParams.set('user_id', userID);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? `Bearer ${fake.sharedSecret}` : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const body = options.body === undefined || typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(url, { method, headers, body, signal: options.signal });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `POST /v3/login/step/…` for the envelope `env` (its process, step id, type and txn_id). */
export function submit(
  fake: FakeBridgev2,
  env: Record<string, unknown>,
  body?: unknown,
  options: RawOptions & { txnID?: string | null } = {},
): Promise<RawResponse> {
  const txn = options.txnID === undefined ? (env.txn_id as string | undefined) : options.txnID;
  const query = { ...(txn ? { txn_id: txn } : {}), ...options.query };
  const path = `/v3/login/step/${String(env.login_id)}/${String(env.step_id)}/${String(env.type)}`;
  return raw(fake, 'POST', path, { ...options, query, body });
}

/** Resolves on the next macrotask: lets in-flight I/O callbacks run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
