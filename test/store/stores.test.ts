import path from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { LoginStore } from '../../src/store/logins.ts';
import { TokenStore } from '../../src/store/tokens.ts';
import { PeopleStore } from '../../src/store/people.ts';
import { DemoCookieStore } from '../../src/store/demo-cookies.ts';
import { tempDir } from '../support/server.ts';
import { describeStores } from './store-suite.ts';

let dir: ReturnType<typeof tempDir> | undefined;

describeStores('SQLite', {
  create: () => {
    dir = tempDir();
    return Promise.resolve();
  },
  connect: () => {
    const db = openDatabase(path.join(dir!.dir, 'bridge-login.sqlite'));
    return Promise.resolve({
      logins: new LoginStore(db),
      // Look at other connections' commits on every check (by default at most once a millisecond).
      tokens: new TokenStore(db, 0),
      people: new PeopleStore(db),
      cookies: new DemoCookieStore(db),
      close: () => {
        db.close();
        return Promise.resolve();
      },
    });
  },
  destroy: () => Promise.resolve(dir?.remove()),
});
