/**
 * Every way a tool call at `/v0/mcp` can go wrong answers a clear tool error (or, for what the
 * protocol itself refuses, a JSON-RPC error), never a crash; and no tool asks the model for a secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from '../support/server.ts';
import { callTool, connectHttp, sessionOf, textOf, type Elicit, mcpTestServer } from './mcp-client.ts';

let s: TestServer;
const clients: Client[] = [];
mcpTestServer(clients, (server) => (s = server));

async function connect(elicit?: Elicit): Promise<Client> {
  const client = await connectHttp(s.baseURL, s.token, elicit ? { elicit } : {});
  clients.push(client);
  return client;
}

async function toolError(client: Client, name: string, args: Record<string, unknown>, pattern: RegExp): Promise<string> {
  const result = await callTool(client, name, args);
  assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}: ${textOf(result)}`);
  assert.match(textOf(result), pattern);
  return textOf(result);
}

test('refusals of the API become tool errors naming the code', async () => {
  const client = await connect();
  await toolError(client, 'start_login', { bridgeID: 'nope' }, /not_found, HTTP 404/);
  await toolError(client, 'start_login', { bridgeID: 'demo', flowID: 'nope' }, /unknown_flow/);
  await toolError(client, 'start_login', { bridgeID: 'demo', loginID: 'nope' }, /unknown_login/);
  await toolError(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: 'nope' }, /not_found/);
  await toolError(client, 'continue_login', { bridgeID: 'demo', loginSessionID: 'nope' }, /not_found/);
  await toolError(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: 'nope' }, /not_found/);
  await toolError(client, 'remove_login', { bridgeID: 'demo', loginID: 'nope' }, /not_found/);
});

test('arguments that do not fit a tool\'s schema, and unknown tools, are refused', async () => {
  const client = await connect();
  for (const [name, args] of [
    ['start_login', {}],
    ['start_login', { bridgeID: '' }],
    ['continue_login', { bridgeID: 'demo', loginSessionID: 'x', waitSeconds: -1 }],
    ['continue_login', { bridgeID: 'demo', loginSessionID: 'x', waitSeconds: 1e6 }],
    ['remove_login', { bridgeID: 'demo', loginID: 'x', scope: 'everywhere' }],
    ['no_such_tool', {}],
  ] as const) {
    const outcome = await client.callTool({ name, arguments: args }).then(
      (r) => (r.isError ? 'tool error' : 'ok'),
      (err: unknown) => (err instanceof McpError ? 'protocol error' : `other: ${String(err)}`),
    );
    assert.ok(outcome === 'tool error' || outcome === 'protocol error', `${name} ${JSON.stringify(args)}: ${outcome}`);
  }
});

test('a client without elicitation gets an error saying where to finish, never a request for the password', async () => {
  const client = await connect();
  const started = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'password' }));
  const text = await toolError(client, 'continue_login', { bridgeID: 'demo', loginSessionID: started.loginSessionID }, /cannot show the server's form/);
  assert.ok(text.includes(`${s.baseURL}/`), 'names the web page');
  assert.match(text, /bridge-login connect demo/);
  assert.match(text, /Do not ask the person for these values/);
  // The session is untouched: still waiting for the same step.
  const now = sessionOf(await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: started.loginSessionID }));
  assert.equal(now.status, 'waiting_for_input');
  assert.match(textOf(await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: started.loginSessionID })), /never ask them for these values/);
});

test('a declined or closed form leaves the session waiting; the tool says so', async () => {
  const actions: ('decline' | 'cancel')[] = ['decline', 'cancel'];
  const client = await connect(() => ({ action: actions.shift()! }));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo' })).loginSessionID;
  for (const pattern of [/declined to enter/, /closed the form/]) {
    const result = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id });
    assert.equal(sessionOf(result).status, 'waiting_for_input');
    assert.match(textOf(result), pattern);
  }
});

test('a wrong password fails the session (a result, not a tool error); continuing an ended session says it ended', async () => {
  const client = await connect(() => ({ action: 'accept', content: { username: 'x', password: 'incorrectpassword' } }));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo' })).loginSessionID;
  const failed = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id });
  assert.equal(sessionOf(failed).status, 'failed');
  assert.equal(sessionOf(failed).error.code, 'invalid_credentials');
  assert.match(textOf(failed), /The login failed: .*invalid_credentials/);
  assert.match(textOf(await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id })), /already ended/);
  await toolError(client, 'cancel_login', { bridgeID: 'demo', loginSessionID: id }, /session_finished, HTTP 410/);
});

test('values a client sends as arguments anyway are submitted once; ill-formed ones are refused', async () => {
  const client = await connect(() => assert.fail('no form when the values came as arguments'));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo' })).loginSessionID;
  await toolError(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id, fields: { username: 1 } }, /"fields" must be an object of strings/);
  await toolError(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id, fields: { username: 'only' } }, /invalid_request/);
  const done = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id, fields: { username: 'arg-user', password: 'arg-secret-pw' } });
  assert.equal(sessionOf(done).status, 'complete');
  assert.ok(!JSON.stringify(done).includes('arg-secret-pw'));
});

test('a cookies step is asked with a form naming the sign-in page and the cookie', async () => {
  let form: any;
  const client = await connect((params) => {
    form = params;
    return { action: 'accept', content: { session: 'not-issued-by-the-page' } };
  });
  const started = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'cookies' }));
  const result = await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: started.loginSessionID });
  assert.ok(form.message.includes(started.currentStep.url));
  assert.match(form.requestedSchema.properties.session.title, /Cookie "demo_session"/);
  assert.equal(sessionOf(result).error.code, 'invalid_credentials');
});

test('remove_login with a scope the login does not offer is refused by the API', async () => {
  const client = await connect(() => ({ action: 'accept', content: { username: 'scoped', password: 'pw' } }));
  const id = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo' })).loginSessionID;
  const done = sessionOf(await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: id }));
  const removed = await callTool(client, 'remove_login', { bridgeID: 'demo', loginID: done.loginID, scope: 'current-device' });
  assert.equal((removed.structuredContent as { scope: string }).scope, 'current-device');
  await toolError(client, 'remove_login', { bridgeID: 'demo', loginID: done.loginID }, /not_found/);
});
