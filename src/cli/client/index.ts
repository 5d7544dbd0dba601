/**
 * @module cli/client
 * The command-line client: `connect`, `bridges`, `logins`, `accounts` and `remove`, speaking
 * only the public HTTP API, so they work against this server and any other with the same API.
 * `registerClientCommands` adds them to the `bridge-login` program.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RemoveScope } from './api-types.ts';
import { connectInteractive } from './commands/connect-interactive.ts';
import { connectJson } from './commands/connect-json.ts';
import { listAccounts, listBridges, listLogins } from './commands/lists.ts';
import { removeLogin } from './commands/remove.ts';
import { listApps, revokeApp } from './commands/apps.ts';
import type { ConnectionFlags } from './connection.ts';
import { runClientCommand } from './context.ts';
import { ExitCode } from './exit-codes.ts';
import { parseFieldAssignments } from './fields.ts';
import { listUsers, login, logout, whoami } from './commands/people.ts';
import { UsageError } from './errors.ts';
import type { ClientIO } from './io.ts';

export type { ClientIO } from './io.ts';

interface CommonFlags extends ConnectionFlags {
  json?: boolean;
}

/**
 * Adds the client commands to `program`, talking to the world through `io`.
 * @example
 * const program = new Command('bridge-login');
 * registerClientCommands(program, processIO(process));
 * await program.parseAsync();
 */
export function registerClientCommands(program: Command, io: ClientIO): void {
  const add = (name: string, description: string, parent: Command = program) => {
    const command = parent
      .command(name)
      .description(description)
      .option('--base-url <url>', 'server to talk to (env BEEPER_BASE_URL or BEEPER_DESKTOP_BASE_URL; default http://127.0.0.1:23373)')
      .option('--token <token>', "access token (env BEEPER_ACCESS_TOKEN; default: the local server's token file)")
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .showHelpAfterError('(add --help for usage)')
      .exitOverride((err) => {
        // Help and version end with 0; any mistake in the command line is a usage error.
        io.exit(err.exitCode === 0 ? 0 : ExitCode.usage);
        throw err;
      });
    return command;
  };

  add('connect', 'log in to a chat account through a bridge, step by step')
    .argument('<bridgeID>', 'the bridge to log in with (see `bridge-login bridges`)')
    .option('--flow <flowID>', 'login flow to use (asked when the bridge has several)')
    .addOption(new Option('--login <loginID>', 'reconnect this existing login').conflicts('account'))
    .addOption(new Option('--account <accountID>', 'reconnect the login of this account'))
    .option('--json', 'no questions: print each session state as one JSON line, exit 0/1/2 for complete/failed/cancelled')
    .option('--field <id=value>', 'a field value for --json (repeatable; or JSON objects on stdin)', (v: string, all: string[] = []) => [...all, v])
    .option('--timeout <seconds>', 'cancel the login if it has not finished after this many seconds', parseSeconds)
    .addHelpText('after', CONNECT_HELP)
    .action((bridgeID: string, flags: CommonFlags & { flow?: string; login?: string; account?: string; field?: string[]; timeout?: number }) =>
      runClientCommand(io, flags, (ctx) => {
        const options = {
          bridgeID,
          flowID: flags.flow,
          loginID: flags.login,
          accountID: flags.account,
          fields: parseFieldAssignments(flags.field ?? []),
          timeoutSeconds: flags.timeout,
        };
        return flags.json ? connectJson(ctx, options) : connectInteractive(ctx, options);
      }),
    );

  add('bridges', 'list the bridges and their status')
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) => runClientCommand(io, flags, (ctx) => listBridges(ctx, flags)));

  add('logins', 'list the logins of a bridge')
    .argument('<bridgeID>')
    .option('--json', 'print JSON')
    .action((bridgeID: string, flags: CommonFlags) => runClientCommand(io, flags, (ctx) => listLogins(ctx, bridgeID, flags)));

  add('accounts', 'list the connected chat accounts')
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) => runClientCommand(io, flags, (ctx) => listAccounts(ctx, flags)));

  const credentialsFile = (): string => {
    if (io.credentialsFile === undefined) throw new UsageError('no_credentials_file', 'this environment has no place to keep a sign-in');
    return io.credentialsFile;
  };

  add('login', 'sign in with your Matrix account; the token is kept for the other commands')
    .requiredOption('--homeserver <url>', 'your Matrix homeserver, like https://matrix.example.org (or example.org)')
    .option('--user <id>', 'your Matrix user, like @alice:example.org (asked when left out)')
    .action((flags: CommonFlags & { homeserver: string; user?: string }) =>
      runClientCommand(io, flags, (ctx) => login(ctx, { homeserver: flags.homeserver, ...(flags.user !== undefined ? { user: flags.user } : {}) }, credentialsFile())),
    );

  add('logout', 'sign out: revoke the saved token on its server and forget it').action((flags: CommonFlags) =>
    runClientCommand(io, flags, (ctx) =>
      logout(ctx, credentialsFile(), async (baseURL, token) => {
        // 204 (revoked now) and 401 (already expired or revoked) both leave nothing to revoke.
        const res = await io.fetch(`${baseURL}/v1/auth/token`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 204 && res.status !== 401) throw new UsageError('logout_failed', `the server did not revoke the token (HTTP ${res.status}); it is kept, try again`);
      }),
    ),
  );

  add('whoami', 'show who the saved sign-in is, and check that the server still takes it').action((flags: CommonFlags) =>
    runClientCommand(io, flags, (ctx) => whoami(ctx, credentialsFile())),
  );

  const users = program.command('users').description('the people who signed in with Matrix (owner only)');
  users
    .command('list')
    .description('list the people, their tokens, accounts and active sessions')
    .option('--base-url <url>', 'server to talk to (env BEEPER_DESKTOP_BASE_URL; default http://127.0.0.1:23373)')
    .option('--token <token>', "the owner's access token (env BEEPER_ACCESS_TOKEN; default: the local server's token file)")
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) => runClientCommand(io, flags, (ctx) => listUsers(ctx, flags)));

  add('remove', 'log a login out and delete it with its accounts')
    .argument('<bridgeID>')
    .argument('<loginID>')
    .addOption(new Option('--scope <scope>', "where to log out (default: the login's only scope)").choices(['current-device', 'all-devices']))
    .option('--json', 'print JSON')
    .action((bridgeID: string, loginID: string, flags: CommonFlags & { scope?: RemoveScope }) =>
      runClientCommand(io, flags, (ctx) => removeLogin(ctx, bridgeID, loginID, flags)),
    );

  const apps = program.command('apps').description('the apps you allowed through OAuth: list them, revoke one');
  add('list', 'list the apps that have access, with their scopes and last use', apps)
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) => runClientCommand(io, flags, (ctx) => listApps(ctx, flags)));
  add('revoke', "revoke an app's access; its tokens stop at once", apps)
    .argument('<clientID>', 'the app (see `bridge-login apps list`)')
    .option('--json', 'print JSON')
    .action((clientID: string, flags: CommonFlags) => runClientCommand(io, flags, (ctx) => revokeApp(ctx, clientID, flags)));
}

const CONNECT_HELP = `
Examples:
  $ bridge-login connect demo
  $ bridge-login connect demo --flow qr
  $ bridge-login connect demo --json --field username=ann --field password=secret
  $ echo '{"username":"ann","password":"secret"}' | bridge-login connect demo --json --flow password

Exit codes: 0 connected, 1 login failed, 2 cancelled or timed out, 64 usage error
(also a missing field value with --json), 69 server unreachable, 77 token refused.`;

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return seconds;
}
