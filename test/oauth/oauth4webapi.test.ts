/**
 * A certified OAuth client, panva's oauth4webapi, runs the whole flow against the real server:
 * discovery, registration, authorization with consent given in Chromium, the code grant with
 * PKCE, a refresh, introspection, userinfo and revocation; then the refusals.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { startWeb, assertNoProblems, type WebHarness } from '../web/browser.ts';
import { consentInBrowser, standInForApp } from './support.ts';

const REDIRECT = 'http://127.0.0.1:45999/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let web: WebHarness;
let as: oauth.AuthorizationServer;
let client: oauth.Client;

before(async () => {
  web = await startWeb();
  await standInForApp(web.context, new URL(REDIRECT).origin);
  const issuer = new URL(web.server.baseURL);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  const registered = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { client_name: 'Test App', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }, insecure),
  );
  client = { client_id: registered.client_id, token_endpoint_auth_method: 'none' };
});
after(() => web.close());

/** Start an authorization, answer it in the browser, and return the callback and the verifier. */
async function authorize(scope: string, answer: 'Allow' | 'Deny' = 'Allow'): Promise<{ callback: URLSearchParams; verifier: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const back = await consentInBrowser(web.page, url.href, REDIRECT, answer);
  return { callback: oauth.validateAuthResponse(as, client, back, state), verifier, state };
}

async function exchange(callback: URLSearchParams, verifier: string): Promise<Response> {
  return oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, verifier, insecure);
}

test('discovery names every endpoint, and /v1/info lists the same', async () => {
  const info = await web.server.api('GET', '/v1/info');
  assert.deepEqual(info.body.endpoints.oauth, {
    authorization_endpoint: as.authorization_endpoint,
    token_endpoint: as.token_endpoint,
    registration_endpoint: as.registration_endpoint,
    revocation_endpoint: as.revocation_endpoint,
    introspection_endpoint: as.introspection_endpoint,
    userinfo_endpoint: as.userinfo_endpoint,
  });
  assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
});

test('the whole flow: consent, code with PKCE, API call, refresh, introspect, userinfo, revoke', async () => {
  const { callback, verifier } = await authorize('read write');
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, await exchange(callback, verifier));
  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.expires_in, 3600);
  assert.equal(tokens.scope, 'read write');
  assert.ok(tokens.refresh_token);

  const bridges = await web.server.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${tokens.access_token}` });
  assert.equal(bridges.status, 200);

  const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token rotates');

  const introspected = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, oauth.None(), refreshed.access_token, insecure));
  assert.equal(introspected.active, true);
  assert.equal(introspected.client_id, client.client_id);
  assert.equal(introspected.scope, 'read write');

  const me = await oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, await oauth.userInfoRequest(as, client, refreshed.access_token, insecure));
  assert.equal(me.sub, 'owner');

  const apps = await web.server.api('GET', '/v1/apps');
  assert.deepEqual(apps.body.items.map((a: { name: string; scopes: string[] }) => [a.name, a.scopes]), [['Test App', ['read', 'write']]]);

  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure));
  const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, oauth.None(), refreshed.access_token, insecure));
  assert.equal(after.active, false, 'revoking the refresh token ends the grant');
  const refused = await web.server.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${refreshed.access_token}` });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.code, 'invalid_token');
  assertNoProblems(web);
});

test('state comes back untouched, and Deny sends access_denied', async () => {
  await assert.rejects(authorize('read', 'Deny'), (err: unknown) => err instanceof oauth.AuthorizationResponseError && err.error === 'access_denied');
});

async function grantError(response: Promise<Response>): Promise<string> {
  try {
    await oauth.processAuthorizationCodeResponse(as, client, await response);
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) return err.error;
    throw err;
  }
  throw new Error('the server accepted it');
}

test('a wrong verifier is refused', async () => {
  const { callback } = await authorize('read');
  assert.equal(await grantError(exchange(callback, oauth.generateRandomCodeVerifier())), 'invalid_grant');
});

test('a code works once; its replay is refused and ends the tokens it gave', async () => {
  const { callback, verifier } = await authorize('read');
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, await exchange(callback, verifier));
  assert.equal(await grantError(exchange(callback, verifier)), 'invalid_grant');
  const refused = await web.server.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${tokens.access_token}` });
  assert.equal(refused.status, 401);
});

test('a code expires after 60 s', async () => {
  const { callback, verifier } = await authorize('read');
  web.server.clock.advance(61_000);
  assert.equal(await grantError(exchange(callback, verifier)), 'invalid_grant');
});

test('the redirect URI of the exchange must be the one of the authorization', async () => {
  const { callback, verifier } = await authorize('read');
  const response = oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, 'http://127.0.0.1:45999/other', verifier, insecure);
  assert.equal(await grantError(response), 'invalid_request');
});

test('an unregistered redirect URI gets an error page, never a redirect', async () => {
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: 'http://127.0.0.1:45999/elsewhere', response_type: 'code', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('location'), null);
  assert.equal((await res.json()).error, 'invalid_request');
});

test('a spent refresh token, used again, revokes the whole grant', async () => {
  const { callback, verifier } = await authorize('read');
  const first = await oauth.processAuthorizationCodeResponse(as, client, await exchange(callback, verifier));
  const second = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token!, insecure));
  await assert.rejects(
    oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token!, insecure)),
    (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
  );
  await assert.rejects(
    oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), second.refresh_token!, insecure)),
    (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant',
    'the newer refresh token died with the grant',
  );
  const refused = await web.server.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${second.access_token}` });
  assert.equal(refused.status, 401);
});

test('a read token reads, and gets 403 insufficient_scope on a write route', async () => {
  const { callback, verifier } = await authorize('read');
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, await exchange(callback, verifier));
  const headers = { authorization: `Bearer ${tokens.access_token}` };
  assert.equal((await web.server.api('GET', '/v1/accounts', undefined, headers)).status, 200);
  const write = await web.server.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' }, headers);
  assert.equal(write.status, 403);
  assert.equal(write.body.code, 'insufficient_scope');
});
