import { describeAuth } from './auth-suite.ts';

describeAuth({
  name: 'SQLite',
  server: () => Promise.resolve({}),
  tokenRows: (s) => Promise.resolve(s.app.db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[]),
});
