// The page's client for the public API: Bearer auth on every call, errors as ApiError with
// the server's {code, message, details}, and a reader for the session event stream.

const TOKEN_KEY = 'bridge-login.token';
const USER_KEY = 'bridge-login.user';

/** This server's token for the tab, and the Matrix user it belongs to (none for an owner's token). */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  user: () => sessionStorage.getItem(USER_KEY),
  set: (value, userID) => {
    sessionStorage.setItem(TOKEN_KEY, value);
    if (userID) sessionStorage.setItem(USER_KEY, userID);
    else sessionStorage.removeItem(USER_KEY);
  },
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

/** An error answer of the API (or a network failure, with code `network_error`). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `Request failed (HTTP ${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code || 'http_error';
    this.details = body?.details;
  }

  /** The token is missing or no longer valid: the page must ask for one. */
  get isAuth() {
    return this.code === 'missing_token' || this.code === 'invalid_token';
  }
}

let onAuthError = () => {};

/** Called with the ApiError whenever the server refuses the token. */
export function setAuthErrorHandler(fn) {
  onAuthError = fn;
}

function authHeaders(extra = {}) {
  const headers = { ...extra };
  const value = token.get();
  if (value) headers.Authorization = `Bearer ${value}`;
  return headers;
}

/**
 * Call the API and return its JSON. Throws ApiError for any non-2xx answer.
 * @param {string} path e.g. `/v1/bridges`
 * @param {{method?: string, body?: unknown, headers?: Record<string,string>, signal?: AbortSignal}} [options]
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const init = { method, headers: authHeaders(headers), signal, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, { code: 'network_error', message: 'The server cannot be reached. Is bridge-login still running?' });
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (error.isAuth) onAuthError(error);
    throw error;
  }
  return data;
}

/** `/v1/bridges/{id}/…` with every segment escaped. */
export function bridgePath(bridgeID, ...rest) {
  return ['/v1/bridges', bridgeID, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

/**
 * Read the session's event stream (`text/event-stream`) with fetch, since EventSource cannot
 * send the Bearer header. Calls `onSession` for each `session` event. Resolves when the server
 * closes the stream; rejects when it cannot be opened or breaks.
 */
export async function readSessionEvents(bridgeID, sessionID, onSession, signal) {
  const response = await fetch(bridgePath(bridgeID, 'login-sessions', sessionID, 'events'), {
    headers: authHeaders({ Accept: 'text/event-stream' }),
    signal,
    cache: 'no-store',
  });
  if (!response.ok || !response.body) {
    let body;
    try { body = await response.json(); } catch { body = undefined; }
    const error = new ApiError(response.status, body);
    if (error.isAuth) onAuthError(error);
    throw error;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { type: 'message', data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r?\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (event.type === 'session' && event.data.length > 0) onSession(JSON.parse(event.data.join('\n')));
        event = { type: 'message', data: [] };
        continue;
      }
      if (line.startsWith(':')) continue; // keep-alive comment
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const raw = colon === -1 ? '' : line.slice(colon + 1);
      const val = raw.startsWith(' ') ? raw.slice(1) : raw;
      if (field === 'event') event.type = val;
      else if (field === 'data') event.data.push(val);
    }
  }
}
