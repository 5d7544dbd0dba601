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
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { defaultDataDir, TOKEN_FILE_NAME } from '../config/paths.ts';
import { resolveConnection } from '../cli/client/connection.ts';
import { fetchPort } from './fetch-port.ts';
import { createMcpServer } from './server.ts';

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
      const env = { ...io.env, BEEPER_DESKTOP_BASE_URL: io.env['BEEPER_BASE_URL'] || io.env['BEEPER_DESKTOP_BASE_URL'] };
      const dataDir = io.env['BRIDGE_LOGIN_DATA_DIR'] ? path.resolve(io.env['BRIDGE_LOGIN_DATA_DIR']) : defaultDataDir();
      let connection;
      try {
        connection = resolveConnection({ ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}) }, env, path.join(dataDir, TOKEN_FILE_NAME), readTokenFile);
      } catch (err) {
        io.stderr.write(`bridge-login mcp: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 64;
        return;
      }
      if (connection.tokenSource === 'none') {
        io.stderr.write('bridge-login mcp: no access token (set BEEPER_ACCESS_TOKEN; create one with: bridge-login token create); the tools will be refused\n');
      }
      const mcp = createMcpServer(fetchPort({ baseURL: connection.baseURL, ...(connection.token ? { token: connection.token } : {}) }));
      const transport = new StdioServerTransport(
        (io.stdin ?? process.stdin) as ConstructorParameters<typeof StdioServerTransport>[0],
        io.stdout as ConstructorParameters<typeof StdioServerTransport>[1],
      );
      const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
      await mcp.server.connect(transport);
      // The assistant closes standard input when it is done with the server.
      (io.stdin ?? process.stdin).once('end', () => void mcp.close());
      await closed;
    });
}
