import { withDatabase } from '../support/postgres.ts';
import { describeBridgesAndLogins } from './bridges-and-logins-suite.ts';

// At the file's top level: withDatabase() drops it after the file's tests.
const db = await withDatabase();

describeBridgesAndLogins('PostgreSQL', () => Promise.resolve({ databaseURL: db.url }));
