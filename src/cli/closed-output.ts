/**
 * Output that may have nobody reading it. A server's stdout and stderr are often pipes to a
 * process that can go away first (a terminal closed, a supervisor stopped, `| head`); a write to
 * such a pipe fails with EPIPE, as an `error` event that would otherwise crash the process, in the
 * middle of a shutdown that still has a database to close.
 */

/** Let `stream` fail quietly from now on: its errors are dropped, so that a dead reader cannot stop the process. */
export function tolerateClosedOutput(stream: NodeJS.WritableStream): void {
  stream.on('error', () => {});
}

/** Write `text` to `stream` if it can still be written; never throws. */
export function writeIfOpen(stream: NodeJS.WritableStream, text: string): void {
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  if (s.destroyed === true || s.writableEnded === true) return;
  try {
    stream.write(text);
  } catch {
    // Written synchronously to a closed descriptor: nothing more to do with this message.
  }
}
