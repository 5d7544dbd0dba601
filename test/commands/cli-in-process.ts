/** Run the program in this process with a given environment; resolves with what it wrote and its exit code. */
import { PassThrough } from 'node:stream';
import { ManualClock } from '../../src/clock.ts';
import { buildProgram, type ProgramIO } from '../../src/cli/program.ts';

export async function runCLI(args: string[], env: Record<string, string>, clock = new ManualClock(0)): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString()));
  const io: ProgramIO = {
    stdin: new PassThrough(),
    stdout: out,
    stderr: err,
    env,
    fetch: globalThis.fetch,
    clock,
    tokenFilePath: 'no-token-file',
    readTokenFile: () => undefined,
    onInterrupt: () => () => {},
    exit: () => {},
  };
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
  }
}
