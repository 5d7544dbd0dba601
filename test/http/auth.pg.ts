import { withDatabase } from '../support/postgres.ts';
import { describeAuth } from './auth-suite.ts';

// At the file's top level: withDatabase() drops it after the file's tests.
const db = await withDatabase();

describeAuth({
  name: 'PostgreSQL',
  server: () => Promise.resolve({ databaseURL: db.url }),
  tokenRows: () => db.query('SELECT * FROM tokens'),
});
