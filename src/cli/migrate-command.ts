/** `bridge-login migrate`: bring the configured database's schema up to date, without serving. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.ts';
import { prepareDataDir } from '../config/data-dir.ts';
import { DatabaseVersionError, openDatabase, schemaVersion } from '../store/db.ts';
import { MIGRATIONS } from '../store/migrations.ts';
import { openPostgres } from '../store/pg/pool.ts';
import { migratePostgres } from '../store/pg/migrations.ts';
import { isUnavailable } from '../store/pg/errors.ts';
import type { ProgramIO } from './program.ts';

export function migrateCommand(io: ProgramIO): Command {
  return new Command('migrate')
    .description('Bring the database (SQLite in the data directory, or PostgreSQL at database.url) up to this version\'s schema')
    .option('--data-dir <dir>', "the server's data directory")
    .option('--config <file>', 'YAML config file (for database.url)')
    .action(async (flags: { dataDir?: string; config?: string }) => {
      try {
        const config = loadConfig(flags, io.env);
        if (config.database.url === undefined) prepareDataDir(config.dataDir);
        const { from, to } = config.database.url === undefined ? migrateSQLite(config.databaseFile) : await migratePg(config.database.url);
        const where = config.database.url === undefined ? `SQLite database ${config.databaseFile}` : 'PostgreSQL database';
        io.stdout.write(from === to ? `The ${where} is up to date (schema ${to}).\n` : `Migrated the ${where} from schema ${from} to ${to}.\n`);
      } catch (err) {
        if (!(err instanceof ConfigError) && !(err instanceof DatabaseVersionError)) throw err;
        io.stderr.write(`bridge-login: ${err.message}\n`);
        process.exitCode = 78;
      }
    });
}

function migrateSQLite(file: string): { from: number; to: number } {
  const from = schemaVersion(file);
  openDatabase(file).close();
  return { from, to: MIGRATIONS.length };
}

async function migratePg(url: string): Promise<{ from: number; to: number }> {
  const pg = await openPostgres(url, { poolSize: 1 });
  try {
    return await migratePostgres(pg.pool);
  } catch (err) {
    if (isUnavailable(err)) throw new ConfigError('cannot reach the PostgreSQL database of database.url; is it running, and is the URL right?');
    throw err;
  } finally {
    await pg.close();
  }
}
