/**
 * The MCP sessions of `/v0/mcp`: each one a Streamable HTTP transport and its own MCP server,
 * bound to the token that opened it, kept in memory (a tool call may ask the person through
 * elicitation, and a subscription reports changes later), at most `maxSessions` of them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { injectPort } from './inject-port.ts';
import { createMcpServer, type BridgeLoginMcp } from './server.ts';

interface Entry {
  transport: StreamableHTTPServerTransport;
  mcp: BridgeLoginMcp;
  /** Digest of the `Authorization` header that opened the session. */
  owner: string;
}

const digest = (header: string | undefined): string => createHash('sha256').update(header ?? '').digest('hex');

/** What a request found: a transport to hand it to, or why there is none. */
export type Found = { transport: StreamableHTTPServerTransport } | { status: 400 | 404; message: string };

/** The MCP sessions of one app. */
export class McpSessions {
  private readonly sessions = new Map<string, Entry>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly baseURL: () => string,
    private readonly maxSessions: number,
  ) {}

  /** The transport for a request: its session's, or a new session's for an `initialize`. */
  async find(sessionID: string | undefined, authorization: string | undefined, method: string, body: unknown): Promise<Found> {
    if (sessionID !== undefined) {
      const entry = this.sessions.get(sessionID);
      if (!entry || entry.owner !== digest(authorization)) return { status: 404, message: 'Session not found' };
      // Most recently used last: the first in the map is the one closed when there are too many.
      this.sessions.delete(sessionID);
      this.sessions.set(sessionID, entry);
      return entry;
    }
    if (method === 'POST' && isInitializeRequest(body)) return this.open(authorization);
    return { status: 400, message: 'Bad Request: no valid Mcp-Session-Id; start with an initialize request' };
  }

  /** Hands a request to a transport, which writes the whole answer. */
  handle(transport: StreamableHTTPServerTransport, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    return transport.handleRequest(req, res, body);
  }

  /** Closes every session (the server is stopping). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((e) => e.mcp.close()));
  }

  private async open(authorization: string | undefined): Promise<Entry> {
    const mcp = createMcpServer(injectPort(this.app, authorization, this.baseURL));
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, entry);
        if (this.sessions.size > this.maxSessions) void this.sessions.values().next().value?.mcp.close();
      },
    });
    const entry: Entry = { transport, mcp, owner: digest(authorization) };
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
      void mcp.close();
    };
    await mcp.server.connect(transport);
    return entry;
  }
}
