/**
 * @module test/support/stub-homeserver
 * Just enough of a Matrix homeserver for a mautrix bridge to start: `/versions` (at most v1.6,
 * so the bridge skips the appservice ping that would need the homeserver to reach it) and
 * `/account/whoami` for its bot. Everything else (register, profile, media config, rooms) is
 * refused, which the bridges tolerate at start; logins through provisioning make no calls here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubHomeserver {
  url: string;
  /** Paths the bridge asked for, in order (without the query). */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1 (`port` 0 picks a free one). */
export async function startStubHomeserver(options: { port?: number; botUserID?: string } = {}): Promise<StubHomeserver> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    requests.push(url.pathname);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (url.pathname === '/_matrix/client/versions') {
      send(200, { versions: ['v1.4', 'v1.5', 'v1.6'], unstable_features: {} });
    } else if (url.pathname === '/_matrix/client/v3/account/whoami') {
      // An appservice names its user in ?user_id=; without it, it acts as its bot.
      send(200, { user_id: url.searchParams.get('user_id') ?? options.botUserID ?? '@testbot:example.org' });
    } else if (url.pathname === '/_matrix/client/v3/register') {
      send(400, { errcode: 'M_USER_IN_USE', error: 'User ID already taken.' });
    } else {
      send(404, { errcode: 'M_UNRECOGNIZED', error: 'Not served by the stub homeserver' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
