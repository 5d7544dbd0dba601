/** Runs the MCP server on a pair of streams until the client closes its end. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { fetchPort, type FetchPortOptions } from './fetch-port.ts';
import { createMcpServer } from './server.ts';

/**
 * Serves the MCP tools on `stdin`/`stdout`, calling the API at `connection`; resolves when the
 * client has closed standard input and every request it sent before that has been answered.
 */
export async function serveStdio(connection: FetchPortOptions, stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream): Promise<void> {
  const mcp = createMcpServer(fetchPort(connection));
  const transport = new StdioServerTransport(stdin as ConstructorParameters<typeof StdioServerTransport>[0], stdout as ConstructorParameters<typeof StdioServerTransport>[1]);
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await mcp.server.connect(transport);
  // A script may write its requests and close its end at once: answer what it asked first.
  let unanswered = 0;
  let inputEnded = false;
  const closeWhenAnswered = (): void => {
    if (inputEnded && unanswered === 0) void mcp.close();
  };
  const receive = transport.onmessage!;
  transport.onmessage = (message) => {
    if ('method' in message && 'id' in message) unanswered++;
    receive(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    await send(message);
    if (!('method' in message) && 'id' in message) {
      unanswered--;
      closeWhenAnswered();
    }
  };
  stdin.once('end', () => {
    inputEnded = true;
    closeWhenAnswered();
  });
  await closed;
}
