/**
 * @module people/matrix-openid
 * Sign in with Matrix (`api.md` §10): check an OpenID token with the person's homeserver, the
 * way integration managers do. The homeserver's federation base URL comes from the config
 * (`matrix.homeservers`), else from the server name's `/.well-known/matrix/server` delegation;
 * `GET …/_matrix/federation/v1/openid/userinfo` names the user, whose server must be the one the
 * client claimed and who must match `matrix.allowedUsers`. The token is only ever sent to that
 * homeserver: it is never logged, stored or put in an error.
 */
import { UserPatterns } from './glob.ts';
import { isServerName } from './server-name.ts';

/** Why a sign-in was refused; each is also the API's error code. */
export type MatrixSignInCode = 'invalid_openid_token' | 'user_not_allowed' | 'homeserver_unavailable';

/** A refused sign-in. The message names the server, never the token. */
export class MatrixSignInError extends Error {
  override readonly name = 'MatrixSignInError';

  constructor(
    readonly code: MatrixSignInCode,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link MatrixOpenID}. */
export interface MatrixOpenIDOptions {
  /** Server name → federation base URL (`matrix.homeservers`), e.g. `{"example.org": "http://127.0.0.1:8008"}`. */
  homeservers?: Readonly<Record<string, string>>;
  /** Glob patterns of who may sign in (`matrix.allowedUsers`); empty turns sign-in off. */
  allowedUsers: readonly string[];
  /** Bound on each request to a homeserver, in ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Scheme of delegation lookups and delegated URLs; `https` but in tests. */
  scheme?: 'https' | 'http';
}

/** A user ID: `@localpart:server`, the localpart without colons or spaces. */
const USER_ID = /^@([^:\s]{1,255}):(.{1,300})$/s;
/** Federation port when delegation names none (SRV records are not looked up). */
const DEFAULT_FEDERATION_PORT = 8448;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Checks OpenID tokens. One instance serves the whole app; it keeps no state between calls.
 *
 * @example
 * const openid = new MatrixOpenID({ allowedUsers: ['@*:example.org'], homeservers: { 'example.org': 'http://127.0.0.1:8008' } });
 * const userID = await openid.verify(tokenFromTheClient, 'example.org'); // '@alice:example.org'
 */
export class MatrixOpenID {
  private readonly allowed: UserPatterns;
  private readonly homeservers: ReadonlyMap<string, string>;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly scheme: 'https' | 'http';

  constructor(options: MatrixOpenIDOptions) {
    this.allowed = new UserPatterns(options.allowedUsers);
    this.homeservers = new Map(Object.entries(options.homeservers ?? {}).map(([name, url]) => [name, url.replace(/\/+$/, '')]));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? fetch;
    this.scheme = options.scheme ?? 'https';
  }

  /** Whether anyone may sign in at all (`GET /v1/info`'s `auth.matrixSignIn`). */
  get enabled(): boolean {
    return !this.allowed.isEmpty;
  }

  /**
   * The Matrix user the OpenID token belongs to, once the homeserver of `serverName` vouches for
   * it and the user is allowed. Throws {@link MatrixSignInError} otherwise.
   */
  async verify(accessToken: string, serverName: string): Promise<string> {
    if (!this.enabled) throw new MatrixSignInError('user_not_allowed', 'sign-in with Matrix is off on this server (matrix.allowedUsers is empty)');
    // Nothing is fetched for a server none of whose users could be let in.
    if (!isServerName(serverName) || !this.allowed.mayAllowServer(serverName)) {
      throw new MatrixSignInError('user_not_allowed', `no user of ${JSON.stringify(serverName)} may sign in here`);
    }
    const base = this.homeservers.get(serverName) ?? (await this.discover(serverName));
    const userID = await this.userInfo(base, accessToken, serverName);
    const server = USER_ID.exec(userID)?.[2];
    if (server !== serverName) {
      throw new MatrixSignInError('invalid_openid_token', `the OpenID token does not belong to a user of ${serverName}`);
    }
    if (!this.allowed.allows(userID)) throw new MatrixSignInError('user_not_allowed', `${userID} may not sign in here`);
    return userID;
  }

  /** The federation base URL of `serverName` through `/.well-known/matrix/server`, else its port 8448. */
  private async discover(serverName: string): Promise<string> {
    let delegated = serverName;
    try {
      const res = await this.fetch(`${this.scheme}://${serverName}/.well-known/matrix/server`, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
      });
      const body = res.ok ? ((await readJSON(res)) as { 'm.server'?: unknown } | undefined) : undefined;
      const named = body?.['m.server'];
      if (typeof named === 'string' && isServerName(named)) delegated = named;
    } catch (err) {
      // No delegation file is normal; a timeout means the server is there but too slow.
      if (isTimeout(err)) throw unavailable(serverName);
    }
    const hasPort = /:[0-9]+$/.test(delegated);
    return `${this.scheme}://${hasPort ? delegated : `${delegated}:${DEFAULT_FEDERATION_PORT}`}`;
  }

  /** The `sub` the homeserver names for the token. */
  private async userInfo(base: string, accessToken: string, serverName: string): Promise<string> {
    let res: Response;
    let body: unknown;
    try {
      res = await this.fetch(`${base}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(accessToken)}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
        headers: { accept: 'application/json' },
      });
      body = await readJSON(res);
    } catch {
      throw unavailable(serverName);
    }
    if (res.status === 401 || res.status === 403 || res.status === 400) {
      throw new MatrixSignInError('invalid_openid_token', `the homeserver of ${serverName} does not accept this OpenID token (it may be expired or already used)`);
    }
    const sub = res.ok ? (body as { sub?: unknown } | undefined)?.sub : undefined;
    if (typeof sub !== 'string' || !USER_ID.test(sub)) throw unavailable(serverName);
    return sub;
  }
}

function unavailable(serverName: string): MatrixSignInError {
  return new MatrixSignInError('homeserver_unavailable', `the homeserver of ${serverName} cannot be reached or gave no usable answer; try again later`);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** A JSON body of at most {@link MAX_BODY_BYTES}; undefined when it is not JSON or larger. */
async function readJSON(res: Response): Promise<unknown> {
  if (!res.body) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Leaving the loop cancels the rest of the body.
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
