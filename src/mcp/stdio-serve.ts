/** Runs the MCP server on a pair of streams until the client closes its end. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { fetchPort, type FetchPortOptions } from './fetch-port.ts';
import { createMcpServer } from './server.ts';

/**
 * Serves the MCP tools on `stdin`/`stdout`, calling the API at `connection`; resolves when the
 * client closes standard input.
 */
export async function serveStdio(connection: FetchPortOptions, stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream): Promise<void> {
  const mcp = createMcpServer(fetchPort(connection));
  const transport = new StdioServerTransport(stdin as ConstructorParameters<typeof StdioServerTransport>[0], stdout as ConstructorParameters<typeof StdioServerTransport>[1]);
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await mcp.server.connect(transport);
  stdin.once('end', () => void mcp.close());
  await closed;
}
