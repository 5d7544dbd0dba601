/** A bad setting's error names where the value came from: the option, the variable, or the file's key. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { buildProgram, type ProgramIO } from '../../src/cli/program.ts';
import { ConfigError, loadConfig, type ConfigFlags } from '../../src/config/config.ts';
import { tempDir } from '../support/server.ts';

test('port and log level errors name the option, the environment variable or the config file key', () => {
  const { dir, remove } = tempDir();
  try {
    const file = path.join(dir, 'bridge-login.yaml');
    writeFileSync(file, 'port: 70000\nlogLevel: loud\n');
    const cases: [string, ConfigFlags, Record<string, string>, string][] = [
      ['environment port', {}, { BRIDGE_LOGIN_PORT: '99999' }, 'BRIDGE_LOGIN_PORT must be a whole number from 0 to 65535 (got "99999")'],
      ['option port', { port: 'eighty' }, { BRIDGE_LOGIN_PORT: '99999' }, '--port must be a whole number from 0 to 65535 (got "eighty")'],
      ['file port', { config: file }, {}, `${file}: "port" must be a whole number from 0 to 65535 (got 70000)`],
      ['environment log level', {}, { BRIDGE_LOGIN_LOG_LEVEL: 'loud' }, 'BRIDGE_LOGIN_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
      ['option log level', { logLevel: 'loud' }, {}, '--log-level must be one of fatal, error, warn, info, debug, trace, silent'],
      ['file log level', { config: file, port: '1' }, {}, `${file}: "logLevel" must be one of fatal, error, warn, info, debug, trace, silent`],
    ];
    for (const [name, flags, env, message] of cases) {
      assert.throws(() => loadConfig(flags, env), (err: unknown) => err instanceof ConfigError && err.message === message, name);
    }
  } finally {
    remove();
  }
});

test('serve with BRIDGE_LOGIN_PORT=99999 stops with exit 78 and a line naming the variable', async () => {
  let stderr = '';
  const io: ProgramIO = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough().on('data', (c: Buffer) => (stderr += c.toString())),
    env: { BRIDGE_LOGIN_PORT: '99999' },
    fetch: globalThis.fetch,
    clock: new ManualClock(0),
    tokenFilePath: 'no-token-file',
    readTokenFile: () => undefined,
    onInterrupt: () => () => {},
    exit: () => {},
  };
  const before = process.exitCode;
  try {
    await buildProgram(io).parseAsync(['serve'], { from: 'user' });
    assert.equal(process.exitCode, 78);
  } finally {
    process.exitCode = before;
  }
  assert.equal(stderr, 'bridge-login: BRIDGE_LOGIN_PORT must be a whole number from 0 to 65535 (got "99999")\n');
});
