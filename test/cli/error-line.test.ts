import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from '../../src/cli/client/connection.ts';
import { describeError } from '../../src/cli/client/error-line.ts';
import { ApiResponseError, InterruptedError, NetworkError, UnexpectedResponseError, UsageError } from '../../src/cli/client/errors.ts';

const local: Connection = { baseURL: 'http://127.0.0.1:23373', tokenSource: 'none' };
const api = (status: number, code: string, message: string) => new ApiResponseError('GET /v1/bridges', status, code, message);

describe('describeError', () => {
  const cases: [string, unknown, { line: string; hint?: RegExp; exitCode: number }][] = [
    ['missing token', api(401, 'missing_token', 'Missing bearer token'), { line: 'error: missing_token: Missing bearer token', hint: /npx bridge-login token create.*BEEPER_ACCESS_TOKEN/, exitCode: 77 }],
    ['invalid token', api(401, 'invalid_token', 'Unknown token'), { line: 'error: invalid_token: Unknown token', hint: /token create/, exitCode: 77 }],
    ['forbidden host', api(403, 'forbidden_host', 'Host not allowed'), { line: 'error: forbidden_host: Host not allowed', hint: /127\.0\.0\.1/, exitCode: 77 }],
    ['bridge unavailable', api(503, 'bridge_unavailable', 'down'), { line: 'error: bridge_unavailable: down', hint: /try again/, exitCode: 69 }],
    ['not found', api(404, 'not_found', 'bridge not found'), { line: 'error: not_found: bridge not found', hint: /bridge-login bridges/, exitCode: 1 }],
    ['any other API error', api(400, 'unsupported_scope', 'nope'), { line: 'error: unsupported_scope: nope', exitCode: 1 }],
    [
      'server not running',
      new NetworkError('GET /v1/bridges', 'http://127.0.0.1:23373', 'ECONNREFUSED', 'x'),
      { line: 'error: connection_refused: no server is listening at http://127.0.0.1:23373', hint: /npm start.*npx bridge-login serve/, exitCode: 69 },
    ],
    ['unknown host', new NetworkError('GET /', 'http://nowhere.invalid', 'ENOTFOUND', 'GET /: cannot reach'), { line: 'error: unknown_host: GET /: cannot reach', hint: /--base-url/, exitCode: 69 }],
    ['not this API', new UnexpectedResponseError('GET /v1/bridges', 200, 'not JSON'), { line: 'error: unexpected_response: not JSON', hint: /bridge-login server/, exitCode: 1 }],
    ['usage', new UsageError('missing_field', 'no value for "code"'), { line: 'error: missing_field: no value for "code"', exitCode: 64 }],
    ['interrupted', new InterruptedError(), { line: 'error: cancelled: interrupted', exitCode: 2 }],
    ['a bug', new TypeError('x is undefined'), { line: 'error: internal_error: x is undefined', exitCode: 1 }],
  ];
  for (const [name, err, expected] of cases) {
    it(name, () => {
      const report = describeError(err, { connection: local, tokenFilePath: '/data/access-token' });
      assert.equal(report.line, expected.line);
      assert.equal(report.exitCode, expected.exitCode);
      if (expected.hint) assert.match(report.hint ?? '', expected.hint);
      else assert.equal(report.hint, undefined);
      assert.doesNotMatch(report.line + (report.hint ?? ''), /\n|at .*\.ts:/, 'one line each, no stack');
    });
  }
  it('names where an invalid token came from', () => {
    const report = describeError(api(401, 'invalid_token', 'Unknown token'), { connection: { ...local, tokenSource: 'env' } });
    assert.match(report.hint ?? '', /in BEEPER_ACCESS_TOKEN was refused/);
  });
  it("tells a person whose saved sign-in was refused to sign in again, not to create a token", () => {
    const report = describeError(api(401, 'invalid_token', 'Unknown token'), { connection: { ...local, tokenSource: 'credentials' } });
    assert.match(report.hint ?? '', /saved by `bridge-login login` was refused .*sign in again with `bridge-login login --homeserver URL`/);
    assert.doesNotMatch(report.hint ?? '', /token create/);
    assert.equal(report.exitCode, 77);
  });
  it('names the token file looked for when no token was given', () => {
    const report = describeError(api(401, 'missing_token', 'Missing'), { connection: local, tokenFilePath: '/data/access-token' });
    assert.match(report.hint ?? '', /no token file at \/data\/access-token/);
  });
});
