/**
 * Request loggers are made when a request first logs (src/http/lazy-logger.ts): a request that
 * logs nothing costs no child logger, and a line that is logged reads as a child's would, with
 * the request's ID and the server's redaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { lazyChildLogger } from '../../src/http/lazy-logger.ts';
import { startTestServer } from '../support/server.ts';

/** A pino logger (Fastify's), and a parent that counts the children made of it. */
function parentLogger(): { logger: FastifyBaseLogger; lines: Record<string, unknown>[]; children: () => number } {
  const lines: Record<string, unknown>[] = [];
  const real = Fastify({
    logger: { level: 'info', redact: { paths: ['password'], censor: '[redacted]' }, stream: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } },
  }).log;
  let made = 0;
  const logger = Object.assign(Object.create(real) as FastifyBaseLogger, {
    child: (bindings: Parameters<FastifyBaseLogger['child']>[0], options?: Parameters<FastifyBaseLogger['child']>[1]) => {
      made++;
      return real.child(bindings, options);
    },
  });
  return { logger, lines, children: () => made };
}

test('no child logger is made until the request logs; then one, with its bindings and the redaction', () => {
  const { logger, lines, children } = parentLogger();
  const log = lazyChildLogger(logger, { reqId: 'req-1' }, {});
  assert.equal(log.level, 'info', 'the level reads without making the child');
  log.debug('below the level');
  log.trace('below the level');
  assert.equal(children(), 0, 'a line below the level makes no child');

  log.error({ password: 'hunter2', code: 7 }, 'boom');
  log.info('second');
  assert.equal(children(), 1, 'made once, on the first line');
  assert.deepEqual(
    lines.map((l) => [l.reqId, l.msg, l.password, l.code]),
    [
      ['req-1', 'boom', '[redacted]', 7],
      ['req-1', 'second', undefined, undefined],
    ],
  );
  log.debug('below the level');
  assert.equal(lines.length, 2);

  const nested = log.child({ part: 'x' });
  nested.warn('nested');
  assert.deepEqual([lines[2]!.reqId, lines[2]!.part, lines[2]!.msg], ['req-1', 'x', 'nested']);
});

test("a child's own level is kept", () => {
  const { logger, lines } = parentLogger();
  const log = lazyChildLogger(logger, { reqId: 'req-2' }, { level: 'error' });
  assert.equal(log.level, 'error');
  log.info('not logged');
  log.error('logged');
  assert.deepEqual(
    lines.map((l) => l.msg),
    ['logged'],
  );
});

test("through the server: a request's lines carry its ID (the x-request-id it answered with)", async () => {
  const lines: string[] = [];
  const s = await startTestServer({
    configure: (c) => (c.logLevel = 'debug'),
    logger: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } },
  });
  try {
    const res = await fetch(`${s.baseURL}/v1/info`);
    await res.arrayBuffer();
    const id = res.headers.get('x-request-id');
    assert.ok(id);
    const own = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string }).filter((l) => l.reqId === id);
    assert.deepEqual(
      own.map((l) => l.msg),
      ['incoming request', 'request completed'],
    );
  } finally {
    await s.close();
  }
});
