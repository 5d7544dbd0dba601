/**
 * A database that cannot be reached answers 503 store_unavailable (retryable), never a 500 or a
 * hang, and the server recovers by itself once it is back. The outage is a TCP relay in front of
 * PostgreSQL that this test closes (connections cut, new ones refused) and opens again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { withDatabase } from '../support/postgres.ts';
import { startTestServer } from '../support/server.ts';

/** A relay on 127.0.0.1 to the database's port that can be taken down and brought back on the same port. */
async function relay(target: URL): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s)).on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const down = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), down, up: listen, close: down };
}

test('while PostgreSQL cannot be reached, requests answer 503 store_unavailable; then the server recovers', async () => {
  const db = await withDatabase();
  const link = await relay(new URL(db.url));
  const s = await startTestServer({ databaseURL: link.url });
  try {
    assert.equal((await s.api('GET', '/v1/accounts')).status, 200);
    await link.down();
    for (const path of ['/v1/accounts', '/v1/bridges/demo/logins']) {
      const r = await s.api('GET', path);
      assert.equal(r.status, 503, `${path}: ${r.text}`);
      assert.equal(r.body.code, 'store_unavailable');
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal(r.headers.get('x-should-retry'), null, 'a retry is fine');
    }
    await link.up();
    const back = await s.api('GET', '/v1/accounts');
    assert.equal(back.status, 200, back.text);
  } finally {
    await s.close();
    await link.close();
  }
});
