/**
 * CORS through `@fastify/cors`: only the configured origins get `Access-Control-Allow-Origin`,
 * and their preflights are answered before authentication (a preflight carries no token).
 * With no origin configured nothing is registered, so no request pays for it.
 */
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

/** The origins allowed to call the API from a browser page. */
export interface CorsOptions {
  origins: readonly string[];
}

/** What a preflight allows, shared by every configured origin. */
export const CORS_POLICY = Object.freeze({
  methods: ['GET', 'POST', 'DELETE'],
  // The Mcp-* and Last-Event-ID headers are the MCP Streamable HTTP transport's (/v0/mcp).
  allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Stainless-Timeout', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID'],
  maxAge: 600,
});

const corsPlugin: FastifyPluginAsync<CorsOptions> = async (app, { origins }) => {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(cors, {
    // `false` for any other origin: no CORS headers, and its preflight is not answered (the
    // plugin would answer it 204, only without Access-Control-Allow-Origin).
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: [...CORS_POLICY.methods],
    allowedHeaders: [...CORS_POLICY.allowedHeaders],
    maxAge: CORS_POLICY.maxAge,
    // A preflight without Access-Control-Request-Method is answered like any other, not with
    // the plugin's plain-text 400 (every error here has the contract's shape).
    strictPreflight: false,
  });
};

/** CORS for the configured origins only. */
export const corsForOrigins = fp(corsPlugin, { name: 'cors' });
