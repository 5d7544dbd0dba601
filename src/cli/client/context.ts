/**
 * @module cli/client/context
 * What every client command runs with: the I/O, the resolved connection, an API client and the
 * output style; and the wrapper that turns whatever a command throws into one error line and an
 * exit code.
 */
import { ApiClient } from './api-client.ts';
import { resolveConnection, type Connection, type ConnectionFlags } from './connection.ts';
import { readCredentials } from './credentials.ts';
import { describeError } from './error-line.ts';
import type { ClientIO } from './io.ts';
import { createStyle, type Style } from './terminal/style.ts';

export interface ClientContext {
  io: ClientIO;
  connection: Connection;
  api: ApiClient;
  /** Style of standard output. */
  style: Style;
}

/**
 * Runs one command: resolves the connection, calls `command`, reports any error on standard
 * error, and exits with the code the command returned (or the error's).
 */
export async function runClientCommand(io: ClientIO, flags: ConnectionFlags, command: (ctx: ClientContext) => Promise<number>): Promise<void> {
  let connection: Connection | undefined;
  let code: number;
  try {
    connection = resolveConnection(flags, io.env, io.tokenFilePath, io.readTokenFile, io.credentialsFile !== undefined ? readCredentials(io.credentialsFile) : undefined);
    const api = new ApiClient({ baseURL: connection.baseURL, token: connection.token, fetch: io.fetch });
    code = await command({ io, connection, api, style: createStyle(io.stdout, io.env) });
  } catch (err) {
    code = reportError(io, err, connection);
  }
  io.exit(code);
}

/** Writes the error line (and hint) to standard error; returns the exit code for it. */
export function reportError(io: ClientIO, err: unknown, connection?: Connection): number {
  const report = describeError(err, { connection, tokenFilePath: io.tokenFilePath });
  const style = createStyle(io.stderr, io.env);
  io.stderr.write(style.red(report.line) + '\n');
  if (report.hint) io.stderr.write(style.dim(`hint: ${report.hint}`) + '\n');
  return report.exitCode;
}
