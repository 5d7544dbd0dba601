// `connect` through the waiting flows of the demo bridge: QR (also with --json), pairing code
// and cookies, completed from the test the way a phone or a browser would (the real binary
// against a real server on an ephemeral port).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { eventually } from '../support/eventually.ts';
import { jsonLines, runCli, useServerForCli } from './cli-process.ts';
import { OWNER } from '../../src/principal.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

/** What the phone does: confirm the scan URL of a QR code. */
async function scan(url: string, username: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=${username}` });
  assert.equal(res.status, 200, await res.text());
}

/** Resolves once the command watches the session (its event stream is open). */
const watching = (id: string) => eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 1, 'the command to watch the session');

test('--json: a QR login completed by POSTing the scan URL from the QR code', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--json', '--flow', 'qr'], { server: s });
  await cli.waitFor('\n');
  const [first] = jsonLines(cli.stdout);
  assert.equal(first.status, 'waiting_for_display');
  assert.equal(first.currentStep.display.type, 'qr');
  await scan(first.currentStep.display.data, 'Quinn');
  const { code, stdout, stderr } = await cli.exited;
  assert.equal(code, 0, stderr);
  const last = jsonLines(stdout).at(-1);
  assert.equal(last.status, 'complete');
  assert.equal(last.account.user.username, 'Quinn');
});

test('--json: SIGINT while waiting for the scan cancels the session on the server', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--json', '--flow', 'qr'], { server: s });
  await cli.waitFor('\n');
  const id = jsonLines(cli.stdout)[0].loginSessionID;
  await watching(id);
  cli.child.kill('SIGINT');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 2);
  assert.equal(jsonLines(stdout).at(-1).status, 'cancelled');
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).body.status, 'cancelled');
});

test('interactive QR: draws the code, draws the new one when it is refreshed, completes on scan', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'qr'], { server: s });
  const dataLine = /QR code data: (\S+)/g;
  await cli.waitFor(/QR code data: \S+\n/);
  await cli.waitFor('Waiting for the QR code to be scanned');
  const firstURL = [...cli.stdout.matchAll(dataLine)][0]![1]!;
  assert.match(cli.stdout, /^Login session \S+$/m);
  assert.match(cli.stdout, /Scan this code with the Demo Chat phone app/);
  assert.match(cli.stdout, /█/, 'the QR code is drawn');
  // Let the server replace the code while the command waits.
  s.clock.advance(20_000);
  await cli.waitFor(/The code was refreshed:[\s\S]*QR code data: \S+\n/);
  const secondURL = [...cli.stdout.matchAll(dataLine)][1]![1]!;
  assert.notEqual(secondURL, firstURL);
  await scan(secondURL, 'Rae');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 0);
  assert.match(stdout, /✓ Connected Rae on Demo Chat/);
});

test('interactive QR: Ctrl+C while waiting for the scan cancels the session on the server', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'qr'], { server: s });
  await cli.waitFor('Waiting for the QR code to be scanned');
  const id = /^Login session (\S+)$/m.exec(cli.stdout)![1]!;
  await watching(id);
  cli.child.kill('SIGINT');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 2);
  assert.match(stdout, new RegExp(`Login cancelled: login session ${id} was cancelled on the server\\.`));
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).body.status, 'cancelled');
});

test('interactive pairing code: shown big and as text, completes when typed on /demo/link', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'code'], { server: s });
  await cli.waitFor('Waiting for the code to be entered');
  const code = /^ {2}Code: (\S+)$/m.exec(cli.stdout)![1]!;
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  // Drawn in letters five lines high above the plain code.
  const lines = cli.stdout.split('\n');
  const codeLine = lines.findIndex((l) => l === `  Code: ${code}`);
  assert.ok(lines.slice(codeLine - 6, codeLine - 1).every((l) => /^ {2}[█ ]+$/.test(l)), lines.slice(codeLine - 6, codeLine).join('\n'));
  const linked = await fetch(`${s.baseURL}/demo/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `code=${code}&username=Linus`,
  });
  assert.equal(linked.status, 200);
  const result = await cli.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /✓ Connected Linus on Demo Chat/);
});

test('interactive cookies: shows the sign-in URL and cookie name, reads a pasted cURL command', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'cookies'], { server: s });
  await cli.waitFor(/Paste here \(hidden\): $/);
  assert.match(cli.stdout, new RegExp(`Sign in here in your browser: ${s.baseURL}/demo/sign-in`));
  assert.match(cli.stdout, /• cookie demo_session/);
  // What the person does in the browser: sign in, and copy a request as cURL.
  const signIn = await fetch(`${s.baseURL}/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=Coco&password=pw',
    redirect: 'manual',
  });
  const value = /demo_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
  cli.write(`curl '${s.baseURL}/demo/signed-in' \\\n  -H 'accept: text/html' \\\n  -H 'Cookie: theme=dark; demo_session=${value}'\n`);
  const result = await cli.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /✓ Read demo_session/);
  assert.match(result.stdout, /✓ Connected Coco on Demo Chat/);
  assert.doesNotMatch(result.stdout, new RegExp(value), 'the cookie is never shown');
});
