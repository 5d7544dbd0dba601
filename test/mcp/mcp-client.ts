/**
 * Test helper: the official MCP SDK `Client` connected to bridge-login over Streamable HTTP
 * (`/v0/mcp` of a test server) or over stdio (`bridge-login mcp` as a child process), with an
 * elicitation handler the test supplies, and checks of tool results against the SDK's schemas.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { after, before } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

// jsqr is CommonJS with an `exports.default`: from ESM the function sits one level down.
const jsQR = (jsqrModule as unknown as { default: typeof jsqrModule.default }).default;

export type Elicit = (request: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;

export interface ClientOptions {
  /** Answers `elicitation/create`; without it the client does not declare elicitation. */
  elicit?: Elicit;
}

function makeClient(options: ClientOptions): Client {
  const client = new Client({ name: 'bridge-login-test', version: '1.0.0' }, { capabilities: options.elicit ? { elicitation: { form: {} } } : {} });
  if (options.elicit) {
    const elicit = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, (request) => elicit(request.params));
  }
  return client;
}

/** A client connected to `/v0/mcp` of the server at `baseURL` with `token`. */
export async function connectHttp(baseURL: string, token: string, options: ClientOptions = {}): Promise<Client> {
  const client = makeClient(options);
  await client.connect(new StreamableHTTPClientTransport(new URL('/v0/mcp', baseURL), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

const BIN = fileURLToPath(new URL('../../bin/bridge-login.js', import.meta.url));

/** A client that runs `bridge-login mcp` with `env` and talks to it over its standard input and output. */
export async function connectStdio(env: Record<string, string>, options: ClientOptions = {}): Promise<{ client: Client; stderr: () => string }> {
  const client = makeClient(options);
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: { PATH: process.env['PATH'] ?? '', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

/** Calls a tool and checks the result against the SDK's `CallToolResultSchema`. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}, onprogress?: (p: { progress: number; message?: string }) => void): Promise<CallToolResult> {
  const result = await client.callTool({ name, arguments: args }, CallToolResultSchema, onprogress ? { onprogress, timeout: 120_000 } : { timeout: 120_000 });
  const parsed = CallToolResultSchema.safeParse(result);
  assert.ok(parsed.success, `${name}: the result does not fit CallToolResultSchema: ${JSON.stringify(result).slice(0, 300)}`);
  return parsed.data;
}

/** The text of a result's text blocks. */
export function textOf(result: CallToolResult): string {
  return result.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
}

/** The session of a session tool's structured content. */
export function sessionOf(result: CallToolResult): any {
  assert.ok(!result.isError, `tool error: ${textOf(result)}`);
  const session = (result.structuredContent as { session?: unknown } | undefined)?.session;
  assert.ok(session && typeof session === 'object', 'structuredContent.session');
  return session;
}

/** Decodes the PNG of a result's one image block and reads the QR code in it. */
export function decodeQR(result: CallToolResult): string {
  const images = result.content.filter((c) => c.type === 'image');
  assert.equal(images.length, 1, 'one image');
  const image = images[0]!;
  assert.ok(image.type === 'image');
  assert.equal(image.mimeType, 'image/png');
  const png = PNG.sync.read(Buffer.from(image.data, 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'the image holds a readable QR code');
  return code.data;
}

/**
 * A test server for the whole file: started before its tests (handed to `use`), and after them
 * every client in `clients` is closed, then the server.
 */
export function mcpTestServer(clients: Client[], use: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startTestServer();
    use(server);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
  });
}

