/**
 * @module cli/client/matrix-sign-in
 * `bridge-login login`'s Matrix part: log in to the person's homeserver with their password,
 * ask it for an OpenID token, log that Matrix session out again, and hand the OpenID token to
 * the bridge-login server (`POST /v1/auth/matrix`). The password goes only to the homeserver.
 */
import { ClientError } from './errors.ts';

/** The homeserver refused the password, or could not be reached or understood. */
export class MatrixLoginError extends ClientError {
  override name = 'MatrixLoginError';

  constructor(
    readonly reason: 'invalid_credentials' | 'unreachable' | 'unexpected',
    message: string,
  ) {
    super(message);
  }
}

/** What the homeserver gave: an OpenID token and the server name it vouches for. */
export interface OpenIDToken {
  accessToken: string;
  matrixServerName: string;
  userID: string;
}

export interface MatrixSignInOptions {
  /** The homeserver as the person wrote it: a URL, or a bare name such as `example.org`. */
  homeserver: string;
  /** A localpart (`alice`) or a full user ID (`@alice:example.org`). */
  user: string;
  password: string;
  fetch: typeof fetch;
}

/**
 * The client-server base URL of `homeserver`: a URL is taken as it is; a bare name is looked up
 * through `https://name/.well-known/matrix/client`, else taken as `https://name`.
 */
export async function resolveHomeserverURL(homeserver: string, fetchFn: typeof fetch): Promise<string> {
  const given = homeserver.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(given)) return given;
  const base = `https://${given}`;
  try {
    const res = await fetchFn(`${base}/.well-known/matrix/client`, { signal: AbortSignal.timeout(10_000) });
    const body = res.ok ? ((await res.json()) as { 'm.homeserver'?: { base_url?: unknown } }) : undefined;
    const url = body?.['m.homeserver']?.base_url;
    if (typeof url === 'string' && /^https?:\/\//i.test(url)) return url.replace(/\/+$/, '');
  } catch {
    // No discovery file: the name is the homeserver.
  }
  return base;
}

/**
 * Get an OpenID token for the person, leaving no Matrix session behind.
 *
 * @example
 * const openid = await requestOpenIDToken({ homeserver: 'https://matrix.example.org', user: 'alice', password, fetch });
 * await api.post('/v1/auth/matrix', { accessToken: openid.accessToken, matrixServerName: openid.matrixServerName });
 */
export async function requestOpenIDToken(options: MatrixSignInOptions): Promise<OpenIDToken> {
  const base = await resolveHomeserverURL(options.homeserver, options.fetch);
  const call = async (urlPath: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> => {
    let res: Response;
    try {
      res = await options.fetch(base + urlPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new MatrixLoginError('unreachable', `the homeserver ${base} cannot be reached (${(err as Error).message})`);
    }
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (json === undefined || typeof json !== 'object') throw new MatrixLoginError('unexpected', `${base} did not answer like a Matrix homeserver (POST ${urlPath}: HTTP ${res.status})`);
    return { status: res.status, json };
  };

  const identifier = { type: 'm.id.user', user: options.user.trim() };
  const login = await call('/_matrix/client/v3/login', { type: 'm.login.password', identifier, password: options.password, initial_device_display_name: 'bridge-login sign-in' });
  if (login.status === 401 || login.status === 403) throw new MatrixLoginError('invalid_credentials', `the homeserver refused the user name or password (${String(login.json['errcode'] ?? login.status)})`);
  const matrixToken = login.json['access_token'];
  const userID = login.json['user_id'];
  if (login.status !== 200 || typeof matrixToken !== 'string' || typeof userID !== 'string') {
    throw new MatrixLoginError('unexpected', `the homeserver's login failed (HTTP ${login.status}${login.json['errcode'] ? `, ${String(login.json['errcode'])}` : ''})`);
  }
  try {
    const openid = await call(`/_matrix/client/v3/user/${encodeURIComponent(userID)}/openid/request_token`, {}, matrixToken);
    const accessToken = openid.json['access_token'];
    const matrixServerName = openid.json['matrix_server_name'];
    if (openid.status !== 200 || typeof accessToken !== 'string' || typeof matrixServerName !== 'string') {
      throw new MatrixLoginError('unexpected', `the homeserver gave no OpenID token (HTTP ${openid.status})`);
    }
    return { accessToken, matrixServerName, userID };
  } finally {
    // The Matrix session was only a means to the OpenID token: end it at once.
    await call('/_matrix/client/v3/logout', {}, matrixToken).catch(() => undefined);
  }
}
