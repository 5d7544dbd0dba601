/**
 * The Host check parses strictly (issue 21, item 7): a loopback name followed by anything but a
 * port, or surrounded by a space HTTP does not strip (a no-break space, byte 0xA0), names no
 * loopback host and is refused with 403 `forbidden_host`. Sent on raw sockets, since `fetch`
 * sets Host itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
let port: number;
before(async () => {
  s = await startTestServer({ configure: (c) => void (c.allowedHosts = ['bridge.example.org']) });
  port = Number(new URL(s.baseURL).port);
});
after(() => s.close());

async function statusFor(hostLine: string): Promise<{ status: number; code?: string }> {
  const r = await rawRequest(port, [Buffer.from(`GET /v1/info HTTP/1.1\r\n${hostLine}\r\nConnection: close\r\n\r\n`, 'latin1')]);
  const res = r.responses[0];
  assert.ok(res, `an answer to ${JSON.stringify(hostLine)}`);
  return { status: res.status, code: res.status === 200 ? undefined : (JSON.parse(res.body) as { code: string }).code };
}

test('a Host that is not strictly a host and port is refused', async () => {
  for (const host of ['localhost:evil.com', '[::1]evil.com', '127.0.0.1:80evil.com', '\u00a0localhost', 'localhost\u00a0', 'localhost:', 'localhost:123456', 'localhost, evil.com', 'localhost/evil', 'bridge.example.org:evil.com']) {
    assert.deepEqual(await statusFor(`Host: ${host}`), { status: 403, code: 'forbidden_host' }, JSON.stringify(host));
  }
});

test('loopback names, configured names and ports are still accepted', async () => {
  // Spaces and tabs around a header value are HTTP's own optional white space, not part of it.
  for (const host of ['localhost', 'LOCALHOST:23373', '127.0.0.1:80', '[::1]', '[::1]:8080', 'bridge.example.org', 'Bridge.Example.org:443', ' localhost ', '\tlocalhost']) {
    assert.deepEqual(await statusFor(`Host: ${host}`), { status: 200, code: undefined }, JSON.stringify(host));
  }
});
