/**
 * `/v0/mcp` is behind the API's Bearer auth, and an MCP session belongs to the token that
 * opened it; each login session is a resource whose subscription reports its changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, ReadResourceResultSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from '../support/server.ts';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { callTool, connectHttp, sessionOf, mcpTestServer } from './mcp-client.ts';

let s: TestServer;
const clients: Client[] = [];
mcpTestServer(clients, (server) => (s = server));

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const post = (headers: Record<string, string>, body: unknown = INIT) =>
  fetch(`${s.baseURL}/v0/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

test('without a token, or with a wrong or revoked one, /v0/mcp answers 401 in the API\'s error shape', async () => {
  const { token: revoked, info } = await s.app.tokens.create('revoked', s.clock.now());
  await s.app.tokens.revoke(info.id, s.clock.now());
  for (const [headers, code] of [
    [{}, 'missing_token'],
    [{ authorization: 'Bearer bl_wrong' }, 'invalid_token'],
    [{ authorization: `Bearer ${revoked}` }, 'invalid_token'],
  ] as const) {
    const res = await post(headers);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.equal(((await res.json()) as { code: string }).code, code);
  }
  for (const method of ['GET', 'DELETE']) assert.equal((await fetch(`${s.baseURL}/v0/mcp`, { method })).status, 401, method);
  assert.equal((await fetch(`${s.baseURL}/v0/other`)).status, 401, 'unknown paths under /v0/ need the token too');
  await assert.rejects(connectHttp(s.baseURL, 'bl_wrong'), 'the SDK client cannot connect with a wrong token');
});

test('an MCP session belongs to the token that opened it: another valid token does not find it', async () => {
  const opened = await post({ authorization: `Bearer ${s.token}` });
  assert.equal(opened.status, 200);
  const sessionID = opened.headers.get('mcp-session-id');
  assert.ok(sessionID);
  await opened.body?.cancel();
  const other = (await s.app.tokens.create('other', s.clock.now())).token;
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
  const res = await post({ authorization: `Bearer ${other}`, 'mcp-session-id': sessionID, 'mcp-protocol-version': '2025-06-18' }, list);
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { message: string } }).error.message, 'Session not found');
  const own = await post({ authorization: `Bearer ${s.token}`, 'mcp-session-id': sessionID, 'mcp-protocol-version': '2025-06-18' }, list);
  assert.equal(own.status, 200);
  await own.body?.cancel();
  const none = await post({ authorization: `Bearer ${s.token}` }, list);
  assert.equal(none.status, 400, 'no session and no initialize');
  await none.body?.cancel();
});

test('a session is a resource: read as JSON; an unknown one is "resource not found"', async () => {
  const client = await connectHttp(s.baseURL, s.token);
  clients.push(client);
  const session = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'code' }));
  const uri = `bridge-login://sessions/demo/${session.loginSessionID}`;
  const read = ReadResourceResultSchema.parse(await client.readResource({ uri }));
  const content = read.contents[0]!;
  assert.equal(content.mimeType, 'application/json');
  assert.equal(JSON.parse('text' in content ? content.text : '').loginSessionID, session.loginSessionID);
  const templates = await client.listResourceTemplates();
  assert.equal(templates.resourceTemplates[0]?.uriTemplate, 'bridge-login://sessions/{bridgeID}/{loginSessionID}');
  const unknown = 'bridge-login://sessions/demo/nope';
  await assert.rejects(client.readResource({ uri: unknown }), (err: unknown) => err instanceof McpError && err.code === -32002);
  await assert.rejects(client.subscribeResource({ uri: unknown }), (err: unknown) => err instanceof McpError && err.code === -32002);
  // URIs that fit no template: the SDK's own refusal for reads, ours for subscriptions.
  for (const bad of ['bridge-login://sessions/demo', 'other://x']) {
    await assert.rejects(client.readResource({ uri: bad }), (err: unknown) => err instanceof McpError, bad);
    await assert.rejects(client.subscribeResource({ uri: bad }), (err: unknown) => err instanceof McpError && err.code === -32002, bad);
  }
});

test('a subscription reports each change of the session, from its event stream', async () => {
  const client = await connectHttp(s.baseURL, s.token);
  clients.push(client);
  assert.equal(client.getServerCapabilities()?.resources?.subscribe, true);
  const updates: string[] = [];
  let onUpdate: () => void = () => {};
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
    onUpdate();
  });
  const session = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' }));
  const uri = `bridge-login://sessions/demo/${session.loginSessionID}`;
  await client.subscribeResource({ uri });
  const next = () => new Promise<void>((resolve) => (onUpdate = resolve));
  // A refreshed QR, then the scan that completes the login.
  let update = next();
  s.clock.advance(s.config.demo.qrRefreshSeconds * 1000);
  await update;
  update = next();
  const refreshed = sessionOf(await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: session.loginSessionID }));
  assert.notEqual(refreshed.currentStep.display.data, session.currentStep.display.data);
  assert.equal((await fetch(refreshed.currentStep.display.data, { method: 'POST' })).status, 200);
  await update;
  assert.deepEqual(updates, [uri, uri]);
  const read = ReadResourceResultSchema.parse(await client.readResource({ uri })).contents[0]!;
  assert.equal(JSON.parse('text' in read ? read.text : '').status, 'complete');
  await client.unsubscribeResource({ uri });
});

test('a client that ends its MCP session (DELETE) cannot use it again', async () => {
  const client = await connectHttp(s.baseURL, s.token);
  const transport = client.transport as StreamableHTTPClientTransport;
  const sessionID = transport.sessionId;
  assert.ok(sessionID);
  await transport.terminateSession();
  await client.close();
  const res = await post({ authorization: `Bearer ${s.token}`, 'mcp-session-id': sessionID, 'mcp-protocol-version': '2025-06-18' }, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
  assert.equal(res.status, 404);
  await res.body?.cancel();
});
