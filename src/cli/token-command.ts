/** `bridge-login token create|list|revoke`: manage access tokens in the data directory's database. */
import { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { DatabaseVersionError, openDatabase } from '../store/db.ts';
import { TokenStore } from '../store/tokens.ts';
import type { ProgramIO } from './program.ts';

/** Run `fn` on the data directory's tokens; undefined (with a message, exit 78) when the database cannot be used. */
function withTokens<T>(dataDir: string | undefined, io: ProgramIO, fn: (tokens: TokenStore) => T): T | undefined {
  const config = loadConfig({ ...(dataDir !== undefined ? { dataDir } : {}) }, io.env);
  let db;
  try {
    // Never migrate from here: an older server may still be running on this database.
    db = openDatabase(config.databaseFile, { upgrade: false });
  } catch (err) {
    if (!(err instanceof DatabaseVersionError)) throw err;
    io.stderr.write(`bridge-login: ${err.message}\n`);
    process.exitCode = 78;
    return undefined;
  }
  try {
    return fn(new TokenStore(db));
  } finally {
    db.close();
  }
}

export function tokenCommand(io: ProgramIO): Command {
  const token = new Command('token').description('Create, list and revoke access tokens');
  token
    .command('create')
    .description('Create a token; it is printed once, as the last line')
    .option('--name <name>', 'a name to recognise it by', 'cli')
    .option('--data-dir <dir>', 'the server\'s data directory')
    .action((opts: { name: string; dataDir?: string }) => {
      const created = withTokens(opts.dataDir, io, (t) => t.create(opts.name, Date.now()));
      if (!created) return;
      const { token: secret, info } = created;
      io.stdout.write(`Created token ${info.id} (${info.name}). It is shown only now:\n${secret}\n`);
    });
  token
    .command('list')
    .description('List tokens (never their secrets)')
    .option('--data-dir <dir>', 'the server\'s data directory')
    .action((opts: { dataDir?: string }) => {
      const list = withTokens(opts.dataDir, io, (t) => t.list());
      if (!list) return;
      if (list.length === 0) io.stdout.write('No tokens yet. Create one with: bridge-login token create\n');
      for (const t of list) {
        const state = t.revokedAt !== undefined ? `revoked ${new Date(t.revokedAt).toISOString()}` : 'active';
        io.stdout.write(`${t.id}  ${t.name.padEnd(16)}  created ${new Date(t.createdAt).toISOString()}  ${state}\n`);
      }
    });
  token
    .command('revoke <id>')
    .description('Revoke a token by its id (see token list)')
    .option('--data-dir <dir>', 'the server\'s data directory')
    .action((id: string, opts: { dataDir?: string }) => {
      const done = withTokens(opts.dataDir, io, (t) => t.revoke(id, Date.now()));
      if (done === undefined) return;
      if (!done) {
        io.stderr.write(`bridge-login: no active token with id "${id}"\n`);
        process.exitCode = 1;
        return;
      }
      io.stdout.write(`Revoked token ${id}. A running server refuses it within a few seconds.\n`);
    });
  return token;
}
