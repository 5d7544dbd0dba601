/**
 * Test double: a Matrix homeserver on an ephemeral 127.0.0.1 port with just what sign-in needs:
 * password `/login`, `/logout`, OpenID token requests, the federation `openid/userinfo` check and
 * `/.well-known/matrix/server`. Its behaviour can be switched to down-like answers (500, garbage,
 * a hang held until `close`) to test the server's bounds; every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type UserInfoMode = 'normal' | 'error500' | 'garbage' | 'hang' | 'huge';

export interface FakeHomeserver {
  /** `http://127.0.0.1:PORT` */
  baseURL: string;
  /** `127.0.0.1:PORT`, usable as a server name. */
  authority: string;
  /** The server name put in user IDs. */
  serverName: string;
  /** Add a user who can log in with a password. */
  addUser(localpart: string, password: string): string;
  /** Issue an OpenID token for `userID` directly (as if requested through the client API). */
  issueOpenID(userID: string): string;
  /** Make an OpenID token unknown again (expired or revoked at the homeserver). */
  expireOpenID(token: string): void;
  userInfoMode: UserInfoMode;
  /** What `/.well-known/matrix/server` answers with (undefined: 404). */
  wellKnown: unknown;
  /** Matrix access tokens currently valid (logged-in devices). */
  liveSessions(): number;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

/** Start a fake homeserver; `serverName` defaults to its own `127.0.0.1:PORT`. */
export async function startFakeHomeserver(opts: { serverName?: string } = {}): Promise<FakeHomeserver> {
  const passwords = new Map<string, string>();
  const sessions = new Map<string, string>();
  const openid = new Map<string, string>();
  const hanging = new Set<http.ServerResponse>();
  const newToken = (): string => randomBytes(12).toString('hex');

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: http.IncomingMessage): Promise<any> => {
    let text = '';
    for await (const chunk of req) text += chunk;
    try {
      return JSON.parse(text || '{}');
    } catch {
      return {};
    }
  };
  const bearer = (req: http.IncomingMessage): string | undefined => sessions.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));

  const fake: FakeHomeserver = {
    baseURL: '',
    authority: '',
    serverName: '',
    userInfoMode: 'normal',
    wellKnown: undefined,
    requests: [],
    addUser(localpart, password) {
      const id = `@${localpart}:${fake.serverName}`;
      passwords.set(id, password);
      return id;
    },
    issueOpenID(userID) {
      const token = newToken();
      openid.set(token, userID);
      return token;
    },
    expireOpenID(token) {
      openid.delete(token);
    },
    liveSessions: () => sessions.size,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    fake.requests.push({ method: req.method ?? '', path: url.pathname });
    if (req.method === 'OPTIONS') return send(res, 204, {});
    if (url.pathname === '/.well-known/matrix/server') {
      return fake.wellKnown === undefined ? send(res, 404, { errcode: 'M_NOT_FOUND' }) : send(res, 200, fake.wellKnown);
    }
    if (url.pathname === '/_matrix/federation/v1/openid/userinfo') {
      switch (fake.userInfoMode) {
        case 'hang':
          hanging.add(res);
          return;
        case 'error500':
          return send(res, 500, { errcode: 'M_UNKNOWN' });
        case 'garbage':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html>not a homeserver</html>');
        case 'huge':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ sub: '@a:b', pad: 'x'.repeat(200_000) }));
        default: {
          const sub = openid.get(url.searchParams.get('access_token') ?? '');
          return sub ? send(res, 200, { sub }) : send(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Access Token unknown or expired' });
        }
      }
    }
    if (url.pathname === '/_matrix/client/v3/login' && req.method === 'POST') {
      const body = await readBody(req);
      const user: string = body?.identifier?.user ?? '';
      const id = user.startsWith('@') ? user : `@${user}:${fake.serverName}`;
      if (body?.type !== 'm.login.password' || passwords.get(id) !== body.password) return send(res, 403, { errcode: 'M_FORBIDDEN', error: 'Invalid username or password' });
      const token = newToken();
      sessions.set(token, id);
      return send(res, 200, { user_id: id, access_token: token, device_id: 'FAKE' });
    }
    const openidPath = /^\/_matrix\/client\/v3\/user\/([^/]+)\/openid\/request_token$/.exec(url.pathname);
    if (openidPath && req.method === 'POST') {
      const who = bearer(req);
      if (!who || who !== decodeURIComponent(openidPath[1] ?? '')) return send(res, 403, { errcode: 'M_FORBIDDEN' });
      return send(res, 200, { access_token: fake.issueOpenID(who), token_type: 'Bearer', matrix_server_name: fake.serverName, expires_in: 3600 });
    }
    if (url.pathname === '/_matrix/client/v3/logout' && req.method === 'POST') {
      sessions.delete((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      return send(res, 200, {});
    }
    send(res, 404, { errcode: 'M_UNRECOGNIZED' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.baseURL = `http://127.0.0.1:${port}`;
  fake.authority = `127.0.0.1:${port}`;
  fake.serverName = opts.serverName ?? fake.authority;
  return fake;
}
