/**
 * @module http/pretty-log
 * Log lines for a person at a terminal: one line each (`12:00:01.234 INFO: message {fields}`),
 * formatted by pino-pretty in this thread. Its transport form would run in a worker thread,
 * which costs start time and memory (docs/benchmarks.md) and does not survive bundling.
 */
import type { DestinationStream } from 'pino';

/** Whether a stream is a terminal. */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/**
 * A pino destination that writes one readable line per record to `out`, coloured on a
 * terminal. Loaded on first use, so that a JSON start does not load pino-pretty at all.
 */
export async function prettyLogStream(out: NodeJS.WritableStream): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({ destination: out, sync: true, colorize: isTerminal(out), singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
