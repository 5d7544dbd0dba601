/** The OpenAPI document: served without a token, lists the routes, and lets the create body be left out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { openAPI } from '../../src/http/openapi.ts';
import { bareApp } from '../support/bare-app.ts';

test('the document lists the routes and their shared schemas, and marks the create body optional', async () => {
  const app = await bareApp(async (a) => {
    await a.register(openAPI);
    const body = Type.Object({ flowID: Type.Optional(Type.String()) });
    a.post('/v1/bridges/:bridgeID/login-sessions', { schema: { body } }, async () => ({}));
    a.post('/v1/other', { schema: { body } }, async () => ({}));
  });
  const res = await app.inject({ url: '/v1/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.components.schemas.ErrorBody ?? Object.keys(doc.components.schemas).length > 0);
  assert.equal(doc.paths['/v1/bridges/{bridgeID}/login-sessions'].post.requestBody.required, false);
  assert.equal(doc.paths['/v1/other'].post.requestBody.required, true);
  assert.equal(doc.paths['/v1/openapi.json'], undefined, 'the document hides its own route');
});
