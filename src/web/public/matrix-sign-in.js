// Sign in with Matrix (api.md §10): the browser logs in to the person's homeserver, asks it for an
// OpenID token, logs that Matrix session out again, and exchanges the OpenID token for this
// server's token. The Matrix password and session never reach this server; the page keeps only
// the token this server issues.

import { api, token } from './api.js';

/** A step of the sign-in failed; `message` is meant for the person. */
export class MatrixSignInError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'MatrixSignInError';
    this.code = code;
  }
}

/** The client-server base URL: a URL as given, a bare name through its .well-known, else https://name. */
export async function homeserverURL(input) {
  const given = input.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(given)) return given;
  const base = `https://${given}`;
  try {
    const res = await fetch(`${base}/.well-known/matrix/client`, { cache: 'no-store' });
    const url = res.ok ? (await res.json())?.['m.homeserver']?.base_url : undefined;
    if (typeof url === 'string' && /^https?:\/\//i.test(url)) return url.replace(/\/+$/, '');
  } catch {
    // No discovery file (or the browser may not fetch it): the name is the homeserver.
  }
  return base;
}

async function matrixCall(base, path, body, accessToken) {
  let res;
  try {
    res = await fetch(base + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new MatrixSignInError(`The homeserver ${base} cannot be reached from this browser.`, 'unreachable');
  }
  let json;
  try { json = await res.json(); } catch { json = undefined; }
  return { status: res.status, json: json ?? {} };
}

/**
 * Get an OpenID token for `username` on `homeserver`, leaving no Matrix session behind.
 * @returns {Promise<{accessToken: string, matrixServerName: string, userID: string}>}
 */
export async function requestOpenIDToken(homeserver, username, password) {
  const base = await homeserverURL(homeserver);
  const login = await matrixCall(base, '/_matrix/client/v3/login', {
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: username.trim() },
    password,
    initial_device_display_name: 'bridge-login sign-in',
  });
  if (login.status === 401 || login.status === 403) throw new MatrixSignInError('The homeserver did not accept this user name and password.', 'invalid_credentials');
  const { access_token: matrixToken, user_id: userID } = login.json;
  if (login.status !== 200 || typeof matrixToken !== 'string') throw new MatrixSignInError(`The homeserver's login failed (HTTP ${login.status}).`, 'unexpected');
  try {
    const openid = await matrixCall(base, `/_matrix/client/v3/user/${encodeURIComponent(userID)}/openid/request_token`, {}, matrixToken);
    const { access_token: accessToken, matrix_server_name: matrixServerName } = openid.json;
    if (openid.status !== 200 || typeof accessToken !== 'string') throw new MatrixSignInError('The homeserver gave no OpenID token.', 'unexpected');
    return { accessToken, matrixServerName, userID };
  } finally {
    await matrixCall(base, '/_matrix/client/v3/logout', {}, matrixToken).catch(() => undefined);
  }
}

/**
 * The whole sign-in: an OpenID token from the homeserver, exchanged here for a token that the tab
 * keeps. Used by the main page and the OAuth consent page.
 * @returns {Promise<{accessToken: string, userID: string}>}
 */
export async function signInWithMatrix({ homeserver, username, password }) {
  const openid = await requestOpenIDToken(homeserver, username, password);
  token.clear();
  const signedIn = await api('/v1/auth/matrix', { method: 'POST', body: { accessToken: openid.accessToken, matrixServerName: openid.matrixServerName } });
  token.set(signedIn.accessToken, signedIn.userID);
  return signedIn;
}
