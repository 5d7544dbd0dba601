/**
 * `CONNECT` gets an answer (issue 21, item 7): Node hands it to an event of its own instead of
 * the router, and with no listener the connection was closed without a word.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

test('CONNECT is answered with 400 invalid_request in the error shape, then the connection is closed', async () => {
  const port = Number(new URL(s.baseURL).port);
  for (const target of ['localhost:443', 'example.com:443', '127.0.0.1:22']) {
    const r = await rawRequest(port, [`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`]);
    assert.equal(r.responses.length, 1, target);
    const res = r.responses[0]!;
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type']!, /^application\/json/);
    assert.ok(res.headers['x-request-id']);
    const body = JSON.parse(res.body);
    assert.equal(body.code, 'invalid_request');
    assert.deepEqual(body.details.issues[0].path, ['method']);
    assert.ok(r.closedByServer, 'closed by the server');
  }
  // The server goes on answering.
  assert.equal((await fetch(`${s.baseURL}/v1/info`)).status, 200);
});
