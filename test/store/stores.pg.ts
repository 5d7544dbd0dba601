import { withDatabase, type TestDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { PgLoginStore } from '../../src/store/pg/logins.ts';
import { PgTokenStore } from '../../src/store/pg/tokens.ts';
import { PgPeopleStore } from '../../src/store/pg/people.ts';
import { PgDemoCookieStore } from '../../src/store/pg/demo-cookies.ts';
import { describeStores } from './store-suite.ts';

// At the file's top level: withDatabase() drops it after the file's tests.
const db: TestDatabase = await withDatabase();

describeStores('PostgreSQL', {
  create: () => Promise.resolve(),
  connect: async () => {
    const pg = await openPostgres(db.url, { poolSize: 4 });
    await migratePostgres(pg.pool);
    return {
      logins: new PgLoginStore(pg.pool),
      tokens: new PgTokenStore(pg.pool),
      people: new PgPeopleStore(pg.pool),
      cookies: new PgDemoCookieStore(pg.pool),
      close: () => pg.close(),
    };
  },
  destroy: () => db.drop(),
});
