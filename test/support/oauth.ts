/**
 * Test helper: an app registered and approved over plain HTTP (no browser), the way the consent
 * page does it, with the PKCE pieces a test needs to finish the flow.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TestServer } from './server.ts';

export interface ApprovedApp {
  clientID: string;
  redirectURI: string;
  verifier: string;
  /** The callback URL the browser would have been sent to (with `code` and `state`). */
  callback: URL;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Register an app and start an authorization; returns the waiting request's id. */
export async function startAuthorization(s: TestServer, scope = 'read write', clientID?: string): Promise<{ clientID: string; requestID: string; verifier: string; redirectURI: string }> {
  const redirectURI = 'http://127.0.0.1:45999/callback';
  if (clientID === undefined) {
    const reg = await fetch(`${s.baseURL}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Helper App', redirect_uris: [redirectURI] }) });
    clientID = ((await reg.json()) as { client_id: string }).client_id;
  }
  const { verifier, challenge } = pkcePair();
  const q = new URLSearchParams({ client_id: clientID, redirect_uri: redirectURI, response_type: 'code', scope, state: 'st', code_challenge: challenge, code_challenge_method: 'S256' });
  const res = await fetch(`${s.baseURL}/oauth/authorize?${q}`, { redirect: 'manual' });
  const location = res.headers.get('location') ?? '';
  const requestID = new URLSearchParams(location.split('#')[1] ?? '').get('request');
  if (!requestID) throw new Error(`no consent request: ${res.status} ${location}`);
  return { clientID, requestID, verifier, redirectURI };
}

/** Register and approve an app as the test server's owner. */
export async function approveApp(s: TestServer, scope = 'read write'): Promise<ApprovedApp> {
  const started = await startAuthorization(s, scope);
  const decided = await s.api('POST', '/v1/oauth/decisions', { requestID: started.requestID, allow: true });
  if (decided.status !== 200) throw new Error(`decision refused: ${decided.status} ${decided.text}`);
  return { clientID: started.clientID, redirectURI: started.redirectURI, verifier: started.verifier, callback: new URL(decided.body.redirectTo) };
}

/** Exchange an approved app's code for tokens. */
export async function tokensFor(s: TestServer, app: ApprovedApp): Promise<{ access_token: string; refresh_token: string }> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: app.callback.searchParams.get('code') ?? '', redirect_uri: app.redirectURI, client_id: app.clientID, code_verifier: app.verifier });
  const res = await fetch(`${s.baseURL}/oauth/token`, { method: 'POST', body });
  return (await res.json()) as { access_token: string; refresh_token: string };
}
