/**
 * `bridge-login mcp`: the same tools over standard input and output, the command a client of a
 * running server (here a test server on port 0), driven by the official SDK client.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from '../support/server.ts';
import { callTool, connectStdio, decodeQR, sessionOf, textOf, type Elicit, mcpTestServer } from './mcp-client.ts';

let s: TestServer;
const clients: Client[] = [];
mcpTestServer(clients, (server) => (s = server));

async function launch(env: Record<string, string>, elicit?: Elicit): Promise<{ client: Client; stderr: () => string }> {
  const launched = await connectStdio({ BRIDGE_LOGIN_DATA_DIR: '/nonexistent-bridge-login-test', ...env }, elicit ? { elicit } : {});
  clients.push(launched.client);
  return launched;
}

test('over stdio: the same tools; a QR login whose image decodes to the scan URL, scanned while continue_login waits', async () => {
  // BEEPER_BASE_URL wins over BEEPER_DESKTOP_BASE_URL (which points nowhere here).
  const { client } = await launch({ BEEPER_BASE_URL: s.baseURL, BEEPER_DESKTOP_BASE_URL: 'http://127.0.0.1:9', BEEPER_ACCESS_TOKEN: s.token });
  const { tools } = ListToolsResultSchema.parse(await client.listTools());
  assert.equal(tools.length, 7);
  const bridges = await callTool(client, 'list_bridges');
  assert.ok(!bridges.isError, textOf(bridges));
  const started = await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' });
  const scanURL = decodeQR(started);
  assert.equal(scanURL, sessionOf(started).currentStep.display.data);
  let scanned: Promise<Response> | undefined;
  const result = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: sessionOf(started).loginSessionID, waitSeconds: 60 }, () => {
    scanned ??= fetch(scanURL, { method: 'POST' });
  });
  assert.equal((await scanned!).status, 200);
  assert.equal(sessionOf(result).status, 'complete');
  const accounts = await callTool(client, 'list_accounts');
  assert.ok((accounts.structuredContent as { accounts: { accountID: string }[] }).accounts.some((a) => a.accountID === sessionOf(result).accountID));
});

test('over stdio: a password and 2FA login through elicitation, cancel and remove', async () => {
  const answers: Record<string, string>[] = [{ username: 'stdio-dan', password: 'stdio-secret-pw' }, { code: '123456' }];
  const { client, stderr } = await launch({ BEEPER_DESKTOP_BASE_URL: s.baseURL, BEEPER_ACCESS_TOKEN: s.token }, () => ({ action: 'accept', content: answers.shift()! }));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'password-2fa' })).loginSessionID;
  assert.equal(sessionOf(await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id })).currentStep.stepID, 'demo.2fa');
  const done = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id });
  assert.equal(sessionOf(done).status, 'complete');
  assert.ok(!JSON.stringify(done).includes('stdio-secret-pw'));
  const other = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'code' })).loginSessionID;
  assert.equal((await callTool(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: other })).isError, undefined);
  const removed = await callTool(client, 'remove_login', { bridgeID: 'demo', loginID: sessionOf(done).loginID });
  assert.equal((removed.structuredContent as { status: string }).status, 'removed');
  assert.ok(!stderr().includes('stdio-secret-pw'), 'the command writes no secret');
});

test('over stdio: a wrong token and an unreachable server are tool errors that say so', async () => {
  const wrong = await launch({ BEEPER_BASE_URL: s.baseURL, BEEPER_ACCESS_TOKEN: 'bl_wrong' });
  const refused = await callTool(wrong.client, 'list_accounts');
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /invalid_token, HTTP 401/);
  const none = await launch({ BEEPER_BASE_URL: 'http://127.0.0.1:9' });
  assert.match(none.stderr(), /no access token/);
  const unreachable = await callTool(none.client, 'list_bridges');
  assert.equal(unreachable.isError, true);
  assert.match(textOf(unreachable), /could not be reached.*bridge-login serve/);
});

test('over stdio: requests written all at once, then end of input, are all answered before the command exits', async () => {
  const bin = fileURLToPath(new URL('../../bin/bridge-login.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'mcp'], { env: { PATH: process.env['PATH'] ?? '', BEEPER_BASE_URL: s.baseURL, BEEPER_ACCESS_TOKEN: s.token }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'script', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_bridges', arguments: {} } },
  ];
  child.stdin.end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  assert.equal(await exited, 0);
  const answers = out.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; result?: { structuredContent?: { bridges?: { id: string }[] } } });
  const listed = answers.find((a) => a.id === 2);
  assert.ok(listed?.result, `the tools/call was answered: ${out.slice(0, 300)}`);
  assert.ok(listed.result.structuredContent?.bridges?.some((b) => b.id === 'demo'));
});
