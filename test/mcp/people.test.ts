/**
 * MCP per person (api.md §10): a person's token on `/v0/mcp`, or given to `bridge-login mcp`,
 * sees only that person's sessions and accounts; another principal's IDs, in every tool and
 * resource that takes one, answer exactly as IDs that do not exist, and change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { TestServer } from '../support/server.ts';
import { callTool, connectHttp, connectStdio, sessionOf, textOf, mcpTestServer } from './mcp-client.ts';

let s: TestServer;
const clients: Client[] = [];
mcpTestServer(clients, (server) => (s = server));

interface Holdings {
  name: string;
  token: string;
  client: Client;
  loginID: string;
  accountID: string;
  /** A QR session left waiting. */
  loginSessionID: string;
}

/** A person's token, made as `token create --user` makes it. */
async function personToken(userID: string): Promise<string> {
  return (await s.app.tokens.create('matrix', s.clock.now(), { userID, expiresAt: s.clock.now() + 24 * 3600_000 })).token;
}

/** Over MCP, as `name`: one connected demo account and one QR session left waiting. */
async function hold(name: string, token: string): Promise<Holdings> {
  const client = await connectHttp(s.baseURL, token);
  clients.push(client);
  const started = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'password' }));
  const fields = { username: `${name}-chat`, password: 'pw' };
  const done = sessionOf(await callTool(client, 'continue_login', { bridgeID: 'demo', loginSessionID: started.loginSessionID, fields }));
  assert.equal(done.status, 'complete');
  const waiting = sessionOf(await callTool(client, 'start_login', { bridgeID: 'demo', flowID: 'qr' }));
  assert.equal(waiting.status, 'waiting_for_display');
  return { name, token, client, loginID: done.login.loginID, accountID: done.accountID, loginSessionID: waiting.loginSessionID };
}

let holding: Promise<Holdings[]> | undefined;
/** The three principals' holdings, made once for all tests (after the file's server has started). */
function principals(): Promise<Holdings[]> {
  holding ??= (async () => [await hold('owner', s.token), await hold('alice', await personToken('@alice:example.test')), await hold('bob', await personToken('@bob:example.test'))])();
  return holding;
}

const NOT_FOUND = /not_found, HTTP 404/;

/** The same ID with its last character changed: well-formed, but nobody's. */
const nobodys = (id: string): string => id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');

/**
 * The tool calls that take another's IDs, each with the IDs filled in and the refusal expected:
 * not found, or for reconnecting a login, the 400 that an unknown login gets.
 */
function crossCalls(ids: { loginID: string; loginSessionID: string }): [string, Record<string, unknown>, RegExp][] {
  const session = { bridgeID: 'demo', loginSessionID: ids.loginSessionID };
  return [
    ['get_login_session', session, NOT_FOUND],
    ['continue_login', { ...session, waitSeconds: 0 }, NOT_FOUND],
    ['continue_login', { ...session, fields: { username: 'x', password: 'y' } }, NOT_FOUND],
    ['cancel_login', session, NOT_FOUND],
    ['remove_login', { bridgeID: 'demo', loginID: ids.loginID, scope: 'current-device' }, NOT_FOUND],
    ['start_login', { bridgeID: 'demo', loginID: ids.loginID }, /unknown_login, HTTP 400/],
  ];
}

test('over /v0/mcp each principal lists only their own accounts and bridge counts', async () => {
  const people = await principals();
  for (const p of people) {
    const accounts = (await callTool(p.client, 'list_accounts')).structuredContent as { accounts: { accountID: string; loginID?: string }[] };
    assert.deepEqual(accounts.accounts.map((a) => [a.accountID, a.loginID]), [[p.accountID, p.loginID]], p.name);
    const text = textOf(await callTool(p.client, 'list_accounts'));
    for (const other of people) if (other !== p) assert.ok(!text.includes(`${other.name}-chat`), `${p.name} sees ${other.name}'s account`);
    const bridges = (await callTool(p.client, 'list_bridges')).structuredContent as { bridges: { id: string; activeAccountCount: number }[] };
    assert.equal(bridges.bridges.find((b) => b.id === 'demo')?.activeAccountCount, 1, p.name);
  }
});

test("over /v0/mcp another principal's IDs are not found, exactly like IDs of nobody, in every tool and resource", async () => {
  const people = await principals();
  let checked = 0;
  for (const caller of people) {
    for (const victim of people) {
      if (victim === caller) continue;
      const nobody = { loginID: nobodys(victim.loginID), loginSessionID: nobodys(victim.loginSessionID) };
      const theirs = crossCalls(victim);
      const none = crossCalls(nobody);
      for (const [i, [tool, args, refusal]] of theirs.entries()) {
        const where = `${caller.name} → ${tool} on ${victim.name}'s IDs`;
        const got = await callTool(caller.client, tool, args);
        const expected = await callTool(caller.client, none[i]![0], none[i]![1]);
        assert.equal(got.isError, true, `${where}: ${textOf(got)}`);
        assert.match(textOf(got), refusal, where);
        // The IDs the caller sent come back in the message (demo login IDs hold the chat user name);
        // masked, the answer is the one for nobody's IDs and shows nothing else of theirs.
        const mask = (text: string, ids: { loginID: string; loginSessionID: string }) => text.split(ids.loginID).join('<id>').split(ids.loginSessionID).join('<id>');
        assert.equal(mask(JSON.stringify(got), victim), mask(JSON.stringify(expected), nobody), where);
        assert.ok(!mask(JSON.stringify(got), victim).includes(`${victim.name}-chat`), `${where}: shows their account`);
        checked++;
      }
      const uri = `bridge-login://sessions/demo/${victim.loginSessionID}`;
      const notFound = (err: unknown) => err instanceof McpError && err.code === -32002;
      await assert.rejects(caller.client.readResource({ uri }), notFound, `${caller.name} reads ${victim.name}'s session`);
      await assert.rejects(caller.client.subscribeResource({ uri }), notFound, `${caller.name} subscribes to ${victim.name}'s session`);
      checked += 2;
    }
  }
  assert.equal(checked, people.length * (people.length - 1) * 8);
  // Nothing was changed by all that: each still has their account, login and waiting session.
  for (const p of people) {
    const accounts = (await callTool(p.client, 'list_accounts')).structuredContent as { accounts: { accountID: string }[] };
    assert.deepEqual(accounts.accounts.map((a) => a.accountID), [p.accountID], `${p.name}'s accounts`);
    assert.equal(sessionOf(await callTool(p.client, 'get_login_session', { bridgeID: 'demo', loginSessionID: p.loginSessionID })).status, 'waiting_for_display', p.name);
  }
});

test("over stdio, bridge-login mcp with a person's token sees only that person's, and not-found on another's", async () => {
  const [owner, alice, bob] = (await principals()) as [Holdings, Holdings, Holdings];
  const { client, stderr } = await connectStdio({ BRIDGE_LOGIN_DATA_DIR: '/nonexistent-bridge-login-test', BEEPER_BASE_URL: s.baseURL, BEEPER_ACCESS_TOKEN: alice.token });
  clients.push(client);
  const accounts = (await callTool(client, 'list_accounts')).structuredContent as { accounts: { accountID: string }[] };
  assert.deepEqual(accounts.accounts.map((a) => a.accountID), [alice.accountID]);
  assert.equal(sessionOf(await callTool(client, 'get_login_session', { bridgeID: 'demo', loginSessionID: alice.loginSessionID })).status, 'waiting_for_display');
  for (const victim of [owner, bob]) {
    for (const [tool, args, refusal] of crossCalls(victim)) {
      const got = await callTool(client, tool, args);
      assert.equal(got.isError, true, `${tool} on ${victim.name}'s: ${textOf(got)}`);
      assert.match(textOf(got), refusal, `${tool} on ${victim.name}'s`);
    }
    await assert.rejects(client.readResource({ uri: `bridge-login://sessions/demo/${victim.loginSessionID}` }), (err: unknown) => err instanceof McpError && err.code === -32002);
  }
  assert.ok(!stderr().includes(alice.token), 'the command never writes the token');
});
