/** `bridge-login token create|list|revoke`: manage access tokens in the data directory's database. */
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { DatabaseVersionError } from '../store/db.ts';
import type { TokenInfo } from '../store/storage.ts';
import { openCommandStores, type CommandStores } from './command-stores.ts';
import { renderTable } from './client/terminal/table.ts';
import type { ProgramIO } from './program.ts';

/** Run `fn` on the configured database's tokens; undefined (with a message, exit 78) when the database cannot be used. */
async function withTokens<T>(dataDir: string | undefined, io: ProgramIO, fn: (stores: CommandStores, config: Config) => Promise<T>): Promise<T | undefined> {
  const config = loadConfig({ ...(dataDir !== undefined ? { dataDir } : {}) }, io.env);
  let stores: CommandStores;
  try {
    // Never migrate from here: an older server may still be running on this database.
    stores = await openCommandStores(config, { upgrade: false });
  } catch (err) {
    if (!(err instanceof DatabaseVersionError) && !(err instanceof ConfigError)) throw err;
    io.stderr.write(`bridge-login: ${err.message}\n`);
    process.exitCode = 78;
    return undefined;
  }
  try {
    return await fn(stores, config);
  } finally {
    await stores.close();
  }
}

export function tokenCommand(io: ProgramIO): Command {
  const token = new Command('token').description('Create, list and revoke access tokens');
  token
    .command('create')
    .description('Create a token; it is printed once, as the last line')
    .option('--name <name>', 'a name to recognise it by', 'cli')
    .option('--user <mxid>', "a person's token (like @alice:example.org), expiring after auth.tokenTTLSeconds; without it, the owner's")
    .option('--data-dir <dir>', 'the server\'s data directory')
    .action(async (opts: { name: string; user?: string; dataDir?: string }) => {
      if (opts.user !== undefined && !/^@[^:\s]+:\S+$/.test(opts.user)) {
        io.stderr.write(`bridge-login: "${opts.user}" is not a Matrix user ID (like @alice:example.org)\n`);
        process.exitCode = 64;
        return;
      }
      const created = await withTokens(opts.dataDir, io, async ({ tokens: t, people }, config) => {
        const now = Date.now();
        if (opts.user === undefined) return t.create(opts.name, now);
        await people.seen(opts.user, now, true);
        return t.create(opts.name, now, { userID: opts.user, expiresAt: now + config.auth.tokenTTLSeconds * 1000 });
      });
      if (!created) return;
      const { token: secret, info } = created;
      const whose = info.userID !== undefined ? ` for ${info.userID}, until ${new Date(info.expiresAt!).toISOString()}` : '';
      io.stdout.write(`Created token ${info.id} (${info.name})${whose}. It is shown only now:\n${secret}\n`);
    });
  token
    .command('list')
    .description('List tokens (never their secrets): a table, or JSON with --json')
    .option('--data-dir <dir>', 'the server\'s data directory')
    .option('--json', 'print the tokens as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const list = await withTokens(opts.dataDir, io, ({ tokens }) => tokens.list());
      if (!list) return;
      io.stdout.write(formatTokenList(list, opts.json === true));
    });
  token
    .command('revoke <id>')
    .description('Revoke a token by its id (see token list)')
    .option('--data-dir <dir>', 'the server\'s data directory')
    .action(async (id: string, opts: { dataDir?: string }) => {
      const done = await withTokens(opts.dataDir, io, ({ tokens }) => tokens.revoke(id, Date.now()));
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

/** `token list`'s output: a table like the client's lists, or the tokens as JSON (dates in ISO 8601). */
export function formatTokenList(list: readonly TokenInfo[], json: boolean): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (json) {
    const items = list.map((t) => ({ id: t.id, name: t.name, createdAt: iso(t.createdAt), ...(t.revokedAt !== undefined ? { revokedAt: iso(t.revokedAt) } : {}) }));
    return JSON.stringify(items, null, 2) + '\n';
  }
  if (list.length === 0) return 'No tokens yet. Create one with: bridge-login token create\n';
  const rows = list.map((t) => [t.id, t.name, iso(t.createdAt), t.revokedAt !== undefined ? `revoked ${iso(t.revokedAt)}` : 'active']);
  return renderTable(['ID', 'NAME', 'CREATED', 'STATUS'], rows);
}
