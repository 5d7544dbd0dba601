/** Request bodies: JSON or none; compressed or non-JSON bodies 415; unparsable JSON 400. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonBodies } from '../../src/http/body-parsers.ts';
import { bareApp } from '../support/bare-app.ts';

const app = () => bareApp((a) => a.register(jsonBodies));

test('a JSON body is parsed; an empty body is none, whatever its content type', async () => {
  const a = await app();
  assert.deepEqual((await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"x":1}' })).json(), { body: { x: 1 } });
  assert.deepEqual((await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '' })).json(), { body: null });
  assert.deepEqual((await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })).json(), { body: null });
});

test('unparsable JSON is 400 invalid_json', async () => {
  const res = await (await app()).inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"x":' });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'invalid_json');
});

test('a compressed body or a body that is not JSON is 415 unsupported_media_type', async () => {
  const a = await app();
  const gz = await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: '{}' });
  assert.equal(gz.statusCode, 415);
  assert.equal(gz.json().code, 'unsupported_media_type');
  const identity = await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, payload: '{}' });
  assert.equal(identity.statusCode, 200);
  const form = await a.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/plain' }, payload: 'x=1' });
  assert.equal(form.statusCode, 415);
  assert.equal(form.json().code, 'unsupported_media_type');
});
