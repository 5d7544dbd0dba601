/**
 * A second reference for (2): what a complete login costs with nothing but the framework and the
 * store. Fastify answers the two POSTs of a login with the bytes of a real one, and in between
 * makes exactly the writes a real demo login makes, through the server's own store classes: the
 * session row when it is created, then the login row and the completed session row, with the
 * same group commit and the same rule that no answer leaves before its writes are committed.
 * No auth, no validation beyond the body's shape, no state machine, no bridge.
 *
 * The gap between this row and the floor's is the price of the writes the contract requires
 * before answering (api.md §5, "Restart"); the gap between this row and the server's is
 * everything else the server does.
 *
 * With a fourth argument `thread`, the writes are made on a worker thread instead
 * (`bench/store-writer.ts`): the main thread collects each turn's writes and posts them as one
 * batch, and the answers wait for the worker to say it committed. That is what moving the store
 * off the event loop would give the server (`npm run bench -- --only logins --writer-thread`).
 *
 * Run as its own process: `node --import tsx bench/store-floor.ts <dataDir> <created> <completed> [thread]`;
 * it prints `store floor listening on http://127.0.0.1:<port>`.
 */
import Fastify from 'fastify';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../src/store/db.ts';
import { GroupCommit } from '../src/store/group-commit.ts';
import { LoginStore } from '../src/store/logins.ts';
import { SessionStore } from '../src/store/sessions.ts';
import type { Session, SessionStep } from '../src/sessions/model.ts';
import type { LoginStatus, User } from '../src/bridges/types.ts';

const [dataDir, createdText, completedText, mode] = process.argv.slice(2);
if (dataDir === undefined || createdText === undefined || completedText === undefined || (mode !== undefined && mode !== 'thread')) {
  process.stderr.write('usage: store-floor.ts <dataDir> <created> <completed> [thread]\n');
  process.exit(2);
}

interface Answer {
  loginSessionID: string;
  currentStep: SessionStep;
}
const created = JSON.parse(createdText) as Answer;
const completed = JSON.parse(completedText) as Answer;
// The create's answer with the new session's ID in place of the real one's.
const [before, after] = createdText.split(created.loginSessionID) as [string, string];

/** One write of a login, as the writer thread receives it. */
export type StoreWrite =
  | { kind: 'session'; session: Session }
  | { kind: 'login'; login: { bridgeID: string; loginID: string; status: LoginStatus; user: User }; now: number };

/** Where a login's writes go: the store on this thread, or a writer thread. */
interface Writes {
  write(w: StoreWrite): void;
  /** `fn(true)` once every write made so far is committed, `fn(false)` if that commit failed. */
  whenDurable(fn: (committed: boolean) => void): void;
  close(): Promise<void>;
}

const file = path.join(dataDir, 'store-floor.sqlite');
const onError = (err: unknown): void => void process.stderr.write(`commit failed: ${String(err)}\n`);

/** The writes on this thread, as the server makes them: one group commit per turn. */
function inline(): Writes {
  const db = openDatabase(file);
  const commits = new GroupCommit(db, onError);
  const sessions = new SessionStore(db, commits);
  const logins = new LoginStore(db, commits);
  return {
    write: (w) => (w.kind === 'session' ? sessions.save(w.session) : void logins.upsert(w.login, w.now)),
    whenDurable: (fn) => commits.whenDurable(fn),
    close: async () => {
      commits.flush();
      db.close();
    },
  };
}

/** The writes on a worker thread: each turn's writes are posted as one batch, committed there. */
function threaded(): Writes {
  openDatabase(file).close(); // created and migrated before the worker opens it
  // Workers do not inherit tsx's loader: the worker registers it, then loads the writer.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./store-writer.ts', import.meta.url).href)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { file } });
  worker.on('error', (err) => {
    onError(err);
    process.exit(1);
  });
  // The worker leaves only when told to (below): any other exit would leave answers waiting.
  let stopping = false;
  worker.on('exit', (code) => {
    if (stopping) return;
    onError(`the writer thread exited (${code})`);
    process.exit(1);
  });
  let writes: StoreWrite[] = [];
  let posted = 0;
  let answered = 0;
  let scheduled = false;
  const waiting = new Map<number, ((committed: boolean) => void)[]>();
  worker.on('message', ({ batch, error }: { batch: number; error?: string }) => {
    if (error !== undefined) onError(error);
    answered = batch;
    for (const fn of waiting.get(batch) ?? []) fn(error === undefined);
    waiting.delete(batch);
  });
  const post = (): void => {
    scheduled = false;
    worker.postMessage({ batch: ++posted, writes });
    writes = [];
  };
  return {
    write(w) {
      writes.push(w);
      if (!scheduled) {
        scheduled = true;
        setImmediate(post);
      }
    },
    whenDurable(fn) {
      const batch = scheduled ? posted + 1 : posted;
      if (batch <= answered) return fn(true);
      let list = waiting.get(batch);
      if (!list) waiting.set(batch, (list = []));
      list.push(fn);
    },
    // Commit what is pending, then let the worker close its connection and leave.
    close: async () => {
      if (scheduled) post();
      stopping = true;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ close: true });
      await exited;
    },
  };
}

const writes = mode === 'thread' ? threaded() : inline();
const live = new Map<string, Session>();
let n = 0;

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (err) {
    done(err as Error, undefined);
  }
});
app.addHook('onSend', (_request, _reply, payload, done) => writes.whenDurable((ok) => (ok ? done(null, payload) : done(new Error('commit failed')))));

const json = 'application/json; charset=utf-8';
app.post('/v1/bridges/:bridgeID/login-sessions', { schema: { body: { type: 'object', properties: { flowID: { type: 'string' } } } } }, (_request, reply) => {
  const now = Date.now();
  const id = `store-floor-${(n++).toString(36).padStart(10, '0')}`;
  const session: Session = { id, bridgeID: 'demo', flowID: 'password', status: 'waiting_for_input', step: created.currentStep, createdAt: now, updatedAt: now, expiresAt: now + 1_800_000 };
  live.set(id, session);
  writes.write({ kind: 'session', session });
  return reply.type(json).send(before + id + after);
});

const submitBody = {
  type: 'object',
  required: ['type', 'fields'],
  properties: { type: { type: 'string' }, fields: { type: 'object', properties: { username: { type: 'string' } }, required: ['username'] } },
};
app.post('/v1/bridges/:bridgeID/login-sessions/:id/steps/:stepID', { schema: { body: submitBody } }, (request, reply) => {
  const { id } = request.params as { id: string };
  const session = live.get(id);
  if (!session) return reply.code(404).type(json).send('{"code":"not_found"}');
  live.delete(id);
  const username = (request.body as { fields: { username: string } }).fields.username;
  const now = Date.now();
  writes.write({ kind: 'login', login: { bridgeID: 'demo', loginID: username, status: 'connected', user: { id: username, username, fullName: username, isSelf: true } }, now });
  const done: Session = { ...session, status: 'complete', step: completed.currentStep, loginID: username, lastAnsweredStepID: 'demo.password', updatedAt: now, finishedAt: now };
  writes.write({ kind: 'session', session: done });
  return reply.type(json).send(completedText);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`store floor listening on ${address}, writes ${mode === 'thread' ? 'on a worker thread' : 'on the event loop'}\n`);
process.once('SIGTERM', () => void writes.close().then(() => process.exit(0)));
