import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUnavailable } from '../../src/store/pg/errors.ts';

function coded(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

test('a database that is down, restarting or out of connections is unavailable', () => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001']) {
    assert.equal(isUnavailable(coded(code)), true, code);
  }
  assert.equal(isUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isUnavailable(new Error('timeout exceeded when trying to connect')), true);
  assert.equal(isUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')])), true);
});

test('bugs and bad data are not unavailable', () => {
  for (const code of ['23505', '42P01', '22P02', '40001']) assert.equal(isUnavailable(coded(code)), false, code);
  assert.equal(isUnavailable(new Error('boom')), false);
  assert.equal(isUnavailable('ECONNREFUSED'), false);
  assert.equal(isUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('23505')])), false);
});

test('the error handler answers an unavailable database with 503 store_unavailable, retryable', async () => {
  const { toApiError } = await import('../../src/http/error-handler.ts');
  const api = toApiError(coded('57P01', 'terminating connection due to administrator command'));
  assert.equal(api?.code, 'store_unavailable');
  assert.equal(api?.status, 503);
  assert.deepEqual(api?.headers, { 'retry-after': '1' });
  assert.equal(toApiError(coded('23505')), undefined, 'a constraint violation stays a bug (500)');
});
