/**
 * A second reference for (2): what a complete login costs with nothing but the framework and the
 * store. Fastify answers the two POSTs of a login with the bytes of a real one, and in between
 * makes exactly the writes a real demo login makes, through the server's own store classes: the
 * session row when it is created, then the login row and the completed session row, with the
 * same group commit and the same rule that no answer leaves before its writes are committed.
 * No auth, no validation beyond the body's shape, no state machine, no bridge.
 *
 * The gap between this row and the floor's is the price of the writes the contract requires
 * before answering (api.md §8, "Restart"); the gap between this row and the server's is
 * everything else the server does.
 *
 * Run as its own process: `node --import tsx bench/store-floor.ts <dataDir> <created> <completed>`;
 * it prints `store floor listening on http://127.0.0.1:<port>`.
 */
import Fastify from 'fastify';
import path from 'node:path';
import { openDatabase } from '../src/store/db.ts';
import { GroupCommit } from '../src/store/group-commit.ts';
import { LoginStore } from '../src/store/logins.ts';
import { SessionStore } from '../src/store/sessions.ts';
import type { Session, SessionStep } from '../src/sessions/model.ts';

const [dataDir, createdText, completedText] = process.argv.slice(2);
if (dataDir === undefined || createdText === undefined || completedText === undefined) {
  process.stderr.write('usage: store-floor.ts <dataDir> <created> <completed>\n');
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

const db = openDatabase(path.join(dataDir, 'store-floor.sqlite'));
const commits = new GroupCommit(db, (err) => process.stderr.write(`commit failed: ${String(err)}\n`));
const sessions = new SessionStore(db, commits);
const logins = new LoginStore(db, commits);
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
app.addHook('onSend', (_request, _reply, payload, done) => commits.whenDurable((ok) => (ok ? done(null, payload) : done(new Error('commit failed')))));

const json = 'application/json; charset=utf-8';
app.post('/v1/bridges/:bridgeID/login-sessions', { schema: { body: { type: 'object', properties: { flowID: { type: 'string' } } } } }, (_request, reply) => {
  const now = Date.now();
  const id = `store-floor-${(n++).toString(36).padStart(10, '0')}`;
  const session: Session = { id, bridgeID: 'demo', flowID: 'password', status: 'waiting_for_input', step: created.currentStep, createdAt: now, updatedAt: now, expiresAt: now + 1_800_000 };
  live.set(id, session);
  sessions.save(session);
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
  const login = logins.upsert({ bridgeID: 'demo', loginID: username, status: 'connected', user: { id: username, username, fullName: username, isSelf: true } }, now);
  sessions.save({ ...session, status: 'complete', step: completed.currentStep, loginID: login.loginID, lastAnsweredStepID: 'demo.password', updatedAt: now, finishedAt: now });
  return reply.type(json).send(completedText);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`store floor listening on ${address}\n`);
process.once('SIGTERM', () => {
  commits.flush();
  db.close();
  process.exit(0);
});
