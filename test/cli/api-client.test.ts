import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../src/cli/client/api-client.ts';
import { ApiResponseError, NetworkError, UnexpectedResponseError } from '../../src/cli/client/errors.ts';

// A canned HTTP server: the transport details of the client (headers, error bodies, odd
// answers) checked over a real socket. The API's behaviour is checked end to end elsewhere.
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('ApiClient', () => {
  let baseURL = '';
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const send = (status: number, text: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      if (req.url === '/v1/bridges') send(200, '{"items":[{"id":"demo"}]}');
      else if (req.url?.startsWith('/v1/bridges/demo/login-sessions/s%2F1/steps/')) send(200, '{"loginSessionID":"s/1","status":"waiting_for_display"}');
      else if (req.url === '/v1/bridges/demo/login-sessions') {
        send(400, JSON.stringify({ code: 'invalid_request', message: 'bad', details: { issues: [{ code: 'required', message: 'is required', path: ['body', 'fields', 'password'] }] } }));
      } else if (req.url === '/v1/accounts') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      else if (req.url === '/v1/bridges/x') res.writeHead(502).end('');
      else send(404, '{"code":"not_found","message":"route not found"}');
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token and unwraps list items', async () => {
    const api = new ApiClient({ baseURL, token: 't0k' });
    assert.deepEqual(await api.listBridges(), [{ id: 'demo' }]);
    const request = seen.at(-1)!;
    assert.equal(request.headers.authorization, 'Bearer t0k');
    assert.equal(request.url, '/v1/bridges', 'trailing slash of the base URL dropped');
  });

  it('sends no Authorization header without a token', async () => {
    await new ApiClient({ baseURL }).listBridges();
    assert.equal(seen.at(-1)!.headers.authorization, undefined);
  });

  it('encodes path IDs, sends JSON and the long-poll wait', async () => {
    await new ApiClient({ baseURL }).submitStep('demo', 's/1', 'demo.qr', { type: 'display_and_wait' }, { waitSeconds: 20 });
    const request = seen.at(-1)!;
    assert.equal(request.url, '/v1/bridges/demo/login-sessions/s%2F1/steps/demo.qr?wait=20');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), { type: 'display_and_wait' });
  });

  it('turns an error body into an ApiResponseError with the fields it names', async () => {
    const err = await new ApiClient({ baseURL }).createLoginSession('demo', {}).catch((e: unknown) => e);
    assert.ok(err instanceof ApiResponseError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.call, 'POST /v1/bridges/demo/login-sessions');
    assert.deepEqual(err.fieldIssues, [{ fieldID: 'password', message: 'is required' }]);
  });

  it('refuses answers that are not the API: not JSON, or an error without a body', async () => {
    await assert.rejects(new ApiClient({ baseURL }).listAccounts(), UnexpectedResponseError);
    await assert.rejects(new ApiClient({ baseURL }).getBridge('x'), (e: unknown) => e instanceof UnexpectedResponseError && e.status === 502);
  });

  it('reports a refused connection as a NetworkError with its system code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await new ApiClient({ baseURL: `http://127.0.0.1:${port}` }).listBridges().catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError);
    assert.equal(err.causeCode, 'ECONNREFUSED');
    assert.match(err.message, /GET \/v1\/bridges: cannot reach/);
  });

  it('lets an abort through as an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(new ApiClient({ baseURL }).listBridges(controller.signal), { name: 'AbortError' });
  });
});
