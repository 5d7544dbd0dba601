/** What the logs may show: URLs without one-time tokens or query values; request lines only at debug. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggingOptions, REDACT_PATHS, safeURL } from '../../src/http/logging.ts';

test('logged URLs hide demo scan tokens, however spelled, and every query value', () => {
  assert.equal(safeURL('/demo/scan/abc123'), '/demo/scan/[redacted]');
  assert.equal(safeURL('/dem%6F/%73can/abc123'), '/demo/scan/[redacted]');
  assert.equal(safeURL('/v1/info?wait=5&token=secret'), '/v1/info?wait=[redacted]&token=[redacted]');
  assert.equal(safeURL('/v1/%zz'), '/v1/%zz');
});

test('secrets in headers and bodies are redacted, and per-request lines are off below debug', () => {
  for (const path of ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.code', '*.token']) assert.ok(REDACT_PATHS.includes(path), path);
  const info = loggingOptions({ level: 'info' });
  assert.equal(info.logController?.disableRequestLogging, true);
  assert.equal(loggingOptions({ level: 'debug' }).logController?.disableRequestLogging, false);
  assert.equal(loggingOptions({ level: 'info', logger: false }).logger, false);
});
