/**
 * What the person enters in an elicitation form (and what a client passes as arguments anyway)
 * appears in no tool result, no line the server writes at its most verbose log level, and no file
 * of its data directory (database and WAL included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startChildServer } from '../support/child-server.ts';
import { tempDir } from '../support/server.ts';
import { callTool, connectHttp, sessionOf } from './mcp-client.ts';

function filesUnder(dir: string): { name: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [{ name: file, bytes: readFileSync(file) }];
  });
}

test('elicited passwords, codes and cookies, and secrets sent as arguments, are in no result, log line or file', async () => {
  const { dir, remove } = tempDir();
  const server = await startChildServer(dir, ['--log-level', 'trace']);
  const secrets: string[] = [];
  const secret = (kind: string): string => {
    const value = `Zq${kind}${randomBytes(9).toString('hex')}Zq`;
    secrets.push(value);
    return value;
  };
  const results: CallToolResult[] = [];
  try {
    // The demo sign-in page issues the cookie the person then pastes into the form.
    const signIn = await fetch(`${server.url}/demo/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=mcp-cookie&password=x' });
    const issued = /demo_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    secrets.push(issued);
    const answers: Record<string, string>[] = [
      { username: 'mcp-pw', password: secret('pw') },
      { username: 'mcp-2fa', password: secret('pw') },
      { code: secret('code') },
      { code: '123456' },
      { session: issued },
    ];
    const client = await connectHttp(server.url, server.token, { elicit: () => ({ action: 'accept', content: answers.shift()! }) });
    const run = async (name: string, args: Record<string, unknown>): Promise<any> => {
      const result = await callTool(client, name, args);
      results.push(result);
      return result;
    };
    const login = async (flowID: string, steps: number, extra: Record<string, unknown> = {}): Promise<string> => {
      const id = sessionOf(await run('start_login', { bridgeID: 'demo', flowID })).loginSessionID as string;
      let last;
      for (let i = 0; i < steps; i++) last = sessionOf(await run('continue_login', { bridgeID: 'demo', loginSessionID: id, ...extra }));
      return last.status;
    };
    assert.equal(await login('password', 1), 'complete');
    assert.equal(await login('password-2fa', 3), 'complete');
    assert.equal(await login('cookies', 1), 'complete');
    assert.equal(await login('password', 1, { fields: { username: 'mcp-args', password: secret('argpw') } }), 'complete');
    assert.equal(answers.length, 0, 'every form was answered');
    await client.close();
  } finally {
    await server.stop();
  }
  const output = server.output();
  assert.match(output, /"url":"\/v0\/mcp"/, 'the trace log holds the MCP requests, so it was looked at');
  const places = [{ name: 'server output', bytes: Buffer.from(output) }, { name: 'tool results', bytes: Buffer.from(JSON.stringify(results)) }, ...filesUnder(dir)];
  remove();
  for (const value of secrets) {
    const forms = [Buffer.from(value), Buffer.from(Buffer.from(value).toString('base64').slice(0, 12))];
    const found = places.filter((p) => forms.some((f) => p.bytes.includes(f))).map((p) => p.name);
    assert.deepEqual(found, [], `${value.slice(0, 4)}… found in ${found.join(', ')}`);
  }
});
