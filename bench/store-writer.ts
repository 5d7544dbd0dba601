/**
 * The store floor's writer thread (`bench/store-floor.ts … thread`): applies each batch of writes
 * the main thread posts, in one transaction on a connection of its own, through the server's
 * store classes, and answers with the batch's number once it is committed (or the error).
 * `{ close: true }` closes its connection and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../src/store/db.ts';
import { LoginStore } from '../src/store/logins.ts';
import { SessionStore } from '../src/store/sessions.ts';
import type { StoreWrite } from './store-floor.ts';

const db = openDatabase((workerData as { file: string }).file);
const sessions = new SessionStore(db);
const logins = new LoginStore(db);
const apply = db.transaction((writes: StoreWrite[]) => {
  for (const w of writes) {
    if (w.kind === 'session') sessions.save(w.session);
    else void logins.upsert(w.login, w.now);
  }
});

parentPort!.on('message', (m: { batch: number; writes: StoreWrite[] } | { close: true }) => {
  // Messages come in order: every batch posted before `close` has been committed.
  if ('close' in m) {
    db.close();
    parentPort!.close();
    return;
  }
  const { batch, writes } = m;
  try {
    apply(writes);
    parentPort!.postMessage({ batch });
  } catch (err) {
    parentPort!.postMessage({ batch, error: String(err) });
  }
});
