/**
 * `bridge-login login` against a homeserver: the password on standard input (not a terminal,
 * so never echoed), the token kept 0600 in $XDG_CONFIG_HOME, used by later commands, and
 * `logout` revoking it. Run against the fake homeserver (npm test) and a real Synapse
 * (npm run test:people).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.ts';
import { cleanUpCli, runCli } from '../cli/cli-process.ts';

/** What the suite needs of a homeserver: where it is, its name, people, and a way to stop it. */
export interface SignInHomeserver {
  baseURL: string;
  serverName: string;
  /** Register a person; answers their MXID. */
  register(localpart: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** Registers the CLI sign-in tests against the homeserver `start` brings up. */
export function cliSignInSuite(start: () => Promise<SignInHomeserver>): void {
  let synapse: SignInHomeserver;
  let server: TestServer;
  let configHome: string;
  let alice: string;
  const PASSWORD = 'alice-cli-password';

  before(async () => {
    synapse = await start();
    alice = await synapse.register('alice', PASSWORD);
    server = await startTestServer({
      configure: (c) => {
        c.matrix = { allowedUsers: [`@*:${synapse.serverName}`], homeservers: { [synapse.serverName]: synapse.baseURL } };
      },
    });
    configHome = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-xdg-'));
  });
  after(async () => {
    cleanUpCli();
    await server?.close();
    await synapse?.stop();
    rmSync(configHome, { recursive: true, force: true });
  });

  const env = () => ({ XDG_CONFIG_HOME: configHome, BEEPER_DESKTOP_BASE_URL: server.baseURL, BEEPER_ACCESS_TOKEN: undefined });
  const credentialsFile = () => path.join(configHome, 'bridge-login', 'credentials.json');

  test('login reads the password from stdin, keeps the token 0600, and never prints the password', async () => {
    const cli = runCli(['login', '--homeserver', synapse.baseURL, '--user', 'alice'], { env: env(), input: `${PASSWORD}\n` });
    const { code, stdout, stderr } = await cli.exited;
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`Signed in to .* as ${alice.replace(/[.]/g, '\\.')} until `));
    assert.ok(!stdout.includes(PASSWORD) && !stderr.includes(PASSWORD), 'the password was echoed');
    assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    assert.equal(saved.userID, alice);
    assert.match(saved.accessToken, /^bl_/);
  });

  test('client commands use the saved token; whoami names the person; logout revokes it', async () => {
    const connect = await runCli(['connect', 'demo', '--flow', 'password', '--json', '--field', 'username=alice-chat', '--field', 'password=pw'], { env: env() }).exited;
    assert.equal(connect.code, 0, connect.stderr);
    const accounts = await runCli(['accounts', '--json'], { env: env() }).exited;
    assert.deepEqual(JSON.parse(accounts.stdout).map((a: any) => a.user.username), ['alice-chat']);
    const owners = await server.api('GET', '/v1/accounts');
    assert.ok(!owners.text.includes('alice-chat'), 'the owner must not see alice\'s account');

    const who = await runCli(['whoami'], { env: env() }).exited;
    assert.match(who.stdout, new RegExp(alice.replace(/[.]/g, '\\.')));
    const token = JSON.parse(readFileSync(credentialsFile(), 'utf8')).accessToken;
    const out = await runCli(['logout'], { env: env() }).exited;
    assert.equal(out.code, 0, out.stderr);
    assert.throws(() => statSync(credentialsFile()));
    const refused = await server.api('GET', '/v1/accounts', undefined, { authorization: `Bearer ${token}` });
    assert.equal(refused.status, 401);
  });

  test('a wrong password exits 77 with the homeserver\'s refusal', async () => {
    const cli = await runCli(['login', '--homeserver', synapse.baseURL, '--user', 'alice'], { env: env(), input: 'wrong\n' }).exited;
    assert.equal(cli.code, 77);
    assert.match(cli.stderr, /matrix_invalid_credentials/);
  });
}
