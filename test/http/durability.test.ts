/** Answers wait until their writes are saved; one whose writes could not be saved is a 500. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveBeforeAnswer } from '../../src/http/durability.ts';
import { bareApp } from '../support/bare-app.ts';
import { eventually } from '../support/eventually.ts';

test('an answer leaves only once the writes are saved', async () => {
  const waiting: ((saved: boolean) => void)[] = [];
  const app = await bareApp((a) => a.register(saveBeforeAnswer, { whenSaved: (done) => void waiting.push(done) }));
  let answered = false;
  const res = app.inject({ url: '/v1/x' }).then((r) => ((answered = true), r));
  await eventually(() => waiting.length === 1, 'the answer to ask whether its writes are saved');
  assert.equal(answered, false, 'held until saved');
  waiting.shift()!(true);
  assert.equal((await res).statusCode, 200);
});

test('an answer whose writes could not be saved becomes 500 internal_error', async () => {
  const app = await bareApp((a) => a.register(saveBeforeAnswer, { whenSaved: (done) => done(false) }));
  const res = await app.inject({ url: '/v1/x' });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().code, 'internal_error');
  assert.match(res.json().message, /could not save/);
});
