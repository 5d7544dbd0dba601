/**
 * The MCP tools at `/v0/mcp`, driven by the official SDK client over Streamable HTTP against the
 * real app: password, 2FA and QR logins, cancel, remove, and the tools' descriptions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from '../support/server.ts';
import { callTool, connectHttp, decodeQR, sessionOf, textOf, type Elicit, mcpTestServer } from './mcp-client.ts';

let s: TestServer;
const clients: Client[] = [];
mcpTestServer(clients, (server) => (s = server));

async function connect(elicit?: Elicit): Promise<Client> {
  const client = await connectHttp(s.baseURL, s.token, elicit ? { elicit } : {});
  clients.push(client);
  return client;
}

test('the tools are listed with schemas, descriptions and read-only/destructive annotations', async () => {
  const client = await connect();
  const { tools } = ListToolsResultSchema.parse(await client.listTools());
  const byName = new Map(tools.map((t) => [t.name, t]));
  assert.deepEqual([...byName.keys()].sort(), ['cancel_login', 'continue_login', 'get_login_session', 'list_accounts', 'list_bridges', 'remove_login', 'start_login']);
  for (const tool of tools) {
    assert.ok((tool.description ?? '').length > 40, `${tool.name} has a description`);
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.ok(tool.outputSchema, `${tool.name} declares its structured output`);
    assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', tool.name);
  }
  for (const name of ['list_bridges', 'list_accounts', 'get_login_session']) assert.equal(byName.get(name)!.annotations!.readOnlyHint, true, name);
  assert.equal(byName.get('remove_login')!.annotations!.destructiveHint, true);
  assert.equal(byName.get('start_login')!.annotations!.destructiveHint, false);
  assert.deepEqual(byName.get('start_login')!.inputSchema.required, ['bridgeID']);
  // No tool invites the model to pass a password: continue_login takes no declared field values.
  assert.deepEqual(Object.keys(byName.get('continue_login')!.inputSchema.properties ?? {}).sort(), ['bridgeID', 'loginSessionID', 'waitSeconds']);
  const info = await s.api('GET', '/v1/info', undefined, { authorization: '' });
  assert.equal(info.body.server.mcp_enabled, true);
  assert.equal(info.body.endpoints.mcp, `${s.baseURL}/v0/mcp`);
});

test('list_bridges lists the demo bridge with its flows and status', async () => {
  const client = await connect();
  const result = await callTool(client, 'list_bridges');
  const bridges = (result.structuredContent as { bridges: { id: string; status: string; flows: { id: string }[] }[] }).bridges;
  const demo = bridges.find((b) => b.id === 'demo');
  assert.ok(demo);
  assert.equal(demo.status, 'available');
  assert.deepEqual(demo.flows.map((f) => f.id), ['password', 'password-2fa', 'qr', 'code', 'cookies']);
  assert.match(textOf(result), /Demo Chat \(bridgeID "demo"\)/);
});

test('a password login: continue_login asks the person through elicitation, and the model sees only that it was answered', async () => {
  const asked: unknown[] = [];
  const client = await connect((params) => {
    asked.push(params);
    return { action: 'accept', content: { username: 'mcp-alice', password: 'hunter2-secret' } };
  });
  const started = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'password' }));
  assert.equal(started.status, 'waiting_for_input');
  const result = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: started.loginSessionID });
  const done = sessionOf(result);
  assert.equal(done.status, 'complete');
  assert.match(textOf(result), /answered the step in the form/);
  assert.match(textOf(result), /Connected: mcp-alice/);
  assert.ok(!JSON.stringify(result).includes('hunter2-secret'), 'the password is in no tool result');
  // The form was built from the step's fields.
  assert.equal(asked.length, 1);
  const form = asked[0] as { mode?: string; message: string; requestedSchema: { properties: Record<string, { type: string; title?: string }>; required?: string[] } };
  assert.equal(form.mode, 'form');
  assert.match(form.message, /Demo Chat/);
  assert.deepEqual(Object.keys(form.requestedSchema.properties), ['username', 'password']);
  assert.deepEqual(form.requestedSchema.required, ['username', 'password']);
  const accounts = await callTool(client, 'list_accounts');
  assert.ok((accounts.structuredContent as { accounts: { accountID: string }[] }).accounts.some((a) => a.accountID === done.accountID));
});

test('a 2FA login: two forms; a wrong code re-asks, the right one completes', async () => {
  const answers: Record<string, string>[] = [{ username: 'mcp-bob', password: 'pw-bob' }, { code: '000000' }, { code: '123456' }];
  const forms: string[][] = [];
  const client = await connect((params) => {
    forms.push(Object.keys((params as { requestedSchema: { properties: object } }).requestedSchema.properties));
    return { action: 'accept', content: answers.shift()! };
  });
  const s0 = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'password-2fa' }));
  const args = { bridgeID: 'demo', loginSessionID: s0.loginSessionID };
  const s1 = sessionOf(await callTool(client, 'continue_login', args));
  assert.equal(s1.status, 'waiting_for_input');
  assert.equal(s1.currentStep.stepID, 'demo.2fa');
  const wrong = await callTool(client, 'continue_login', args);
  assert.equal(sessionOf(wrong).status, 'waiting_for_input');
  assert.match(textOf(wrong), /The bridge says: .*(wrong|incorrect)/i);
  const s3 = sessionOf(await callTool(client, 'continue_login', args));
  assert.equal(s3.status, 'complete');
  assert.deepEqual(forms, [['username', 'password'], ['code'], ['code']]);
});

test('a QR login: the image decodes to the scan URL; scanning it completes the login while continue_login waits, with progress', async () => {
  const client = await connect();
  const started = await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' });
  const session = sessionOf(started);
  assert.equal(session.status, 'waiting_for_display');
  const scanURL = decodeQR(started);
  assert.equal(scanURL, session.currentStep.display.data);
  assert.match(scanURL, /\/demo\/scan\//);
  assert.ok(textOf(started).includes(scanURL), 'the link is the text fallback');
  assert.equal(session.currentStep.display.imageURL, undefined, 'the data URI stays out of the structured content');
  const progress: string[] = [];
  let scanned: Promise<Response> | undefined;
  const waiting = callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: session.loginSessionID, waitSeconds: 120 }, (p) => {
    progress.push(p.message ?? '');
    // The "phone" scans once the wait has begun.
    scanned ??= fetch(scanURL, { method: 'POST' });
  });
  const result = await waiting;
  assert.equal((await scanned!).status, 200);
  const done = sessionOf(result);
  assert.equal(done.status, 'complete');
  assert.ok(progress.length >= 1 && /Waiting for the person/.test(progress[0]!), JSON.stringify(progress));
  assert.equal(result.content.filter((c) => c.type === 'image').length, 0, 'no image once complete');
});

test('a refreshed QR arrives as a new image that decodes to the new link', async () => {
  const client = await connect();
  const started = await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' });
  const first = decodeQR(started);
  const id = sessionOf(started).loginSessionID;
  const waiting = callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id, waitSeconds: 60 }, () => s.clock.advance(s.config.demo.qrRefreshSeconds * 1000));
  const result = await waiting;
  assert.match(textOf(result), /refreshed/);
  const second = decodeQR(result);
  assert.notEqual(second, first);
  assert.equal(second, sessionOf(result).currentStep.display.data);
  await callTool(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: id });
});

test('a display wait with nothing happening ends after waitSeconds, still waiting', async () => {
  const client = await connect();
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'code' })).loginSessionID;
  const code = await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: id });
  assert.match(textOf(code), /pairing code to enter on their phone: [A-Z0-9]{4}-[A-Z0-9]{4}/);
  // Each long-poll ends when the (manual) clock passes its budget: moved on at each progress note.
  const result = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id, waitSeconds: 3 }, () => s.clock.advance(3000));
  assert.equal(sessionOf(result).status, 'waiting_for_display');
  assert.match(textOf(result), /Still waiting after 3 s/);
  await callTool(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: id });
});

test('cancel_login cancels, twice is the same; remove_login removes the login and its account', async () => {
  const client = await connect(() => ({ action: 'accept', content: { username: 'mcp-carol', password: 'pw' } }));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' })).loginSessionID;
  for (let i = 0; i < 2; i++) {
    const r = await callTool(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: id });
    assert.ok(!r.isError);
    assert.deepEqual(r.structuredContent, { bridgeID: 'demo', loginSessionID: id, status: 'cancelled' });
  }
  assert.equal(sessionOf(await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: id })).status, 'cancelled');

  const s0 = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo' }));
  const done = sessionOf(await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: s0.loginSessionID }));
  const removed = await callTool(client, 'remove_login', { bridgeID: 'demo', loginID: done.loginID });
  assert.ok(!removed.isError, textOf(removed));
  assert.deepEqual(removed.structuredContent, { bridgeID: 'demo', loginID: done.loginID, scope: 'all-devices', status: 'removed', affectedAccountIDs: [done.accountID] });
  assert.equal((await s.api('GET', `/v1/bridges/demo/logins/${done.loginID}`)).status, 404);
});
