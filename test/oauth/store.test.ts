import path from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { SqliteOAuthStore } from '../../src/oauth/store-sqlite.ts';
import { tempDir } from '../support/server.ts';
import { describeOAuthStore } from './store-suite.ts';

let dir: ReturnType<typeof tempDir> | undefined;

describeOAuthStore('SQLite', {
  create: () => {
    dir = tempDir();
    return Promise.resolve();
  },
  connect: () => {
    const db = openDatabase(path.join(dir!.dir, 'bridge-login.sqlite'));
    const tables = ['oauth_clients', 'oauth_grants', 'oauth_codes', 'oauth_tokens'];
    return Promise.resolve({
      store: new SqliteOAuthStore(db),
      dump: () => Promise.resolve(tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t}`).all())).join('\n')),
      close: () => {
        db.close();
        return Promise.resolve();
      },
    });
  },
  destroy: () => Promise.resolve(dir?.remove()),
});
