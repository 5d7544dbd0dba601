/**
 * The stores a maintenance command (`token`, `migrate`) opens on the configured database: the
 * data directory's SQLite file, or PostgreSQL when `database.url` is set.
 */
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/config.ts';
import { openDatabase } from '../store/db.ts';
import { PeopleStore } from '../store/people.ts';
import { TokenStore } from '../store/tokens.ts';
import type { PeopleStorage, TokenStorage } from '../store/storage.ts';
import { openPostgres } from '../store/pg/pool.ts';
import { migratePostgres } from '../store/pg/migrations.ts';
import { isUnavailable } from '../store/pg/errors.ts';
import { PgPeopleStore } from '../store/pg/people.ts';
import { PgTokenStore } from '../store/pg/tokens.ts';

/** Tokens and people on one open database, and how to close it. */
export interface CommandStores {
  tokens: TokenStorage;
  people: PeopleStorage;
  close(): Promise<void>;
}

/**
 * Open the configured database for a command. Without `upgrade` the schema is never changed (an
 * older server may still run on it): an older schema is a DatabaseVersionError.
 */
export async function openCommandStores(config: Config, options: { upgrade: boolean }): Promise<CommandStores> {
  const url = config.database.url;
  if (url === undefined) {
    const db = openDatabase(config.databaseFile, { upgrade: options.upgrade });
    return {
      tokens: new TokenStore(db),
      people: new PeopleStore(db),
      close: () => {
        db.close();
        return Promise.resolve();
      },
    };
  }
  const pg = await openPostgres(url, { poolSize: 2 });
  try {
    await migratePostgres(pg.pool, { upgrade: options.upgrade });
  } catch (err) {
    await pg.close();
    if (isUnavailable(err)) throw new ConfigError('cannot reach the PostgreSQL database of database.url; is it running, and is the URL right?');
    throw err;
  }
  return { tokens: new PgTokenStore(pg.pool), people: new PgPeopleStore(pg.pool), close: () => pg.close() };
}
