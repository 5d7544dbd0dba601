/**
 * `bridge-login mcp`: the MCP server on standard input and output, for assistants that launch a
 * command. It is a client of a running bridge-login server: `BEEPER_BASE_URL` or
 * `BEEPER_DESKTOP_BASE_URL` (the first wins) and `BEEPER_ACCESS_TOKEN`, else the default address
 * and the token file the server wrote on first start. Standard output carries only the protocol;
 * what it says to a person goes to standard error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { defaultDataDir, TOKEN_FILE_NAME } from '../config/paths.ts';
import { resolveConnection } from '../cli/client/connection.ts';

export interface McpCommandIO {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
}

function readTokenFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `mcp` command. */
export function mcpCommand(io: McpCommandIO): Command {
  return new Command('mcp')
    .description('serve the MCP tools on standard input and output, for an assistant that launches a command (talks to a running server)')
    .option('--base-url <url>', 'the server (default: BEEPER_BASE_URL, BEEPER_DESKTOP_BASE_URL or http://127.0.0.1:23373)')
    .action(async (flags: { baseUrl?: string }) => {
      const dataDir = io.env['BRIDGE_LOGIN_DATA_DIR'] ? path.resolve(io.env['BRIDGE_LOGIN_DATA_DIR']) : defaultDataDir();
      let connection;
      try {
        connection = resolveConnection({ ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}) }, io.env, path.join(dataDir, TOKEN_FILE_NAME), readTokenFile);
      } catch (err) {
        io.stderr.write(`bridge-login mcp: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 64;
        return;
      }
      if (connection.tokenSource === 'none') {
        io.stderr.write('bridge-login mcp: no access token (set BEEPER_ACCESS_TOKEN; create one with: bridge-login token create); the tools will be refused\n');
      }
      // The SDK is loaded only when this command runs: other commands start without it.
      const { serveStdio } = await import('./stdio-serve.ts');
      await serveStdio({ baseURL: connection.baseURL, ...(connection.token ? { token: connection.token } : {}) }, io.stdin ?? process.stdin, io.stdout);
    });
}
