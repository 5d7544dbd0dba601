import { withDatabase, type TestDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { PgOAuthStore } from '../../src/oauth/store-pg.ts';
import { describeOAuthStore } from './store-suite.ts';

// At the file's top level: withDatabase() drops it after the file's tests.
const db: TestDatabase = await withDatabase();

describeOAuthStore('PostgreSQL', {
  create: () => Promise.resolve(),
  // Each connection is a pool of its own, as each instance has.
  connect: async () => {
    const pg = await openPostgres(db.url, { poolSize: 4 });
    await migratePostgres(pg.pool);
    const tables = ['oauth_clients', 'oauth_grants', 'oauth_codes', 'oauth_tokens', 'oauth_requests'];
    return {
      store: new PgOAuthStore(pg.pool),
      dump: async () => (await Promise.all(tables.map(async (t) => JSON.stringify((await pg.pool.query(`SELECT * FROM ${t}`)).rows)))).join('\n'),
      close: () => pg.close(),
    };
  },
  destroy: () => db.drop(),
});
