/**
 * A secret put in an unknown URL path is not logged (issue 21, item 7): `GET /v1/<secret>` was
 * logged as it was sent at debug and trace level. Requests that match no route are logged
 * without their path's segments; routes still are logged with their URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tempDir } from '../support/server.ts';
import { startChildServer } from '../support/child-server.ts';

for (const level of ['debug', 'trace']) {
  test(`at ${level} level, unknown paths are logged without their segments`, { timeout: 60_000 }, async () => {
    const { dir, remove } = tempDir();
    const server = await startChildServer(dir, ['--log-level', level]);
    try {
      const secret = () => `s3cr3t${randomBytes(12).toString('hex')}`;
      const secrets: string[] = [];
      const send = async (path: (x: string) => string, init: RequestInit = {}): Promise<number> => {
        const s = secret();
        secrets.push(s);
        return (await fetch(server.url + path(s), init)).status;
      };
      const auth = { headers: { authorization: `Bearer ${server.token}` } };
      assert.equal(await send((s) => `/v1/${s}`, auth), 404);
      assert.equal(await send((s) => `/v1/${s}`), 401);
      assert.equal(await send((s) => `/${s}`), 404);
      assert.equal(await send((s) => `/demo/${s}/x`), 404);
      assert.equal(await send((s) => `/v1/bridges/demo/login-sessions/x/${s}`, auth), 404);
      assert.equal(await send((s) => `/v1/${encodeURIComponent(s)}?x=1`, { ...auth, method: 'POST' }), 404);
      assert.equal((await fetch(`${server.url}/v1/info`)).status, 200);
      await server.stop();
      const out = server.output();
      for (const s of secrets) assert.ok(!out.includes(s), `${s} was logged`);
      // The requests were logged all the same, and a route's URL still is.
      assert.ok((out.match(/incoming request/g) ?? []).length >= secrets.length + 1, 'every request is logged');
      assert.match(out, /"url":"\/v1\/info"/);
    } finally {
      await server.stop();
      remove();
    }
  });
}
