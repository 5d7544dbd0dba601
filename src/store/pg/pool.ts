/**
 * @module store/pg
 * The PostgreSQL store (api.md §11): a bounded `pg.Pool` shared by the repositories of this
 * folder. Several instances share one database; nothing here keeps state between requests.
 */
import pg from 'pg';

// Epoch-ms columns are bigint (int8); read them as numbers, as the SQLite store does. Every time
// fits well within 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** An open PostgreSQL database: its pool, and how to close it. */
export interface PgDatabase {
  pool: pg.Pool;
  /** End every connection of the pool. */
  close(): Promise<void>;
}

export interface PgOpenOptions {
  /** Most connections the pool holds (`database.poolSize`, default 10). */
  poolSize?: number;
  /** How long a query waits for a free connection before failing as unavailable (default 2 s). */
  connectionTimeoutMillis?: number;
}

/** Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresURL(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Open a pool on the database at `url`. Nothing connects until the first query; the caller runs
 * the migrations (`migratePostgres`) before using the repositories.
 */
export async function openPostgres(url: string, options: PgOpenOptions = {}): Promise<PgDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A dead database answers in 2 s with store_unavailable instead of holding the request.
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) emits on the pool; without a
  // listener that would crash the process. The next query reconnects.
  pool.on('error', () => {});
  let closed = false;
  return {
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
