/**
 * @module cli
 * The `bridge-login` command: `serve` runs the server, `token` manages access tokens, `migrate`
 * brings the database's schema up to date, and the
 * client commands (connect, bridges, logins, accounts, remove) talk to a server over its API.
 */
import { Command } from 'commander';
import { APP_VERSION } from '../version.ts';
import { registerClientCommands, type ClientIO } from './client/index.ts';
import { serveCommand } from './serve-command.ts';
import { tokenCommand } from './token-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { mcpCommand } from '../mcp/stdio.ts';

/** Everything the program touches outside itself: streams, environment, `fetch`, clock, exit. */
export type ProgramIO = ClientIO;

/** Build the whole command-line program; every command talks to the world through `io`. */
export function buildProgram(io: ProgramIO): Command {
  const program = new Command('bridge-login')
    .description('Connect chat accounts through bridges: a login-session server and its command-line client.')
    .version(APP_VERSION)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  program.addCommand(serveCommand(io));
  program.addCommand(tokenCommand(io));
  program.addCommand(migrateCommand(io));
  program.addCommand(mcpCommand(io));
  // Client commands (connect, bridges, logins, accounts, remove) are registered here.
  registerClientCommands(program, io);
  return program;
}
