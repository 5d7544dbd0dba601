/**
 * The server's Ajv skips checking schemas against the JSON Schema meta-schema (src/app.ts: a
 * share of every start). The check happens here instead: every exported wire schema is compiled
 * by a Fastify with Ajv's defaults, which refuses a schema the meta-schema does not allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import * as common from '../../src/schemas/common.ts';
import * as session from '../../src/schemas/login-session.ts';

/** The exported schemas of a module (its functions and constants of other kinds left out). */
function schemasOf(mod: Record<string, unknown>): [string, object][] {
  return Object.entries(mod).filter((e): e is [string, object] => typeof e[1] === 'object' && e[1] !== null);
}

/** Compile `schemas` as request bodies in a Fastify with Ajv's default options. */
async function compile(schemas: [string, object][]): Promise<void> {
  const app = Fastify({ logger: false });
  // Shared objects are referenced by $id (Type.Ref), as the server registers them.
  for (const [, schema] of schemas) if ('$id' in schema) app.addSchema(schema);
  schemas.forEach(([name, schema], i) => {
    const body = '$id' in schema ? { $ref: `${String(schema.$id)}#` } : schema;
    app.post(`/${i}`, { schema: { body } }, async () => name);
  });
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

test('every exported wire schema is a valid JSON Schema', async () => {
  const schemas = [...schemasOf(common), ...schemasOf(session)];
  assert.ok(schemas.length >= 15, `found ${schemas.length} schemas`);
  assert.ok(
    schemas.some(([name]) => name === 'SubmitStepBody'),
    'the body with the hand-written fields schema is among them',
  );
  await compile(schemas);
});

test('the check refuses a schema the meta-schema does not allow', async () => {
  await assert.rejects(compile([['Broken', { type: 'object', additionalProperties: 'yes' }]]), /schema is invalid/);
});
