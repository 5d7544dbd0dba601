/** `GET /v1/info` (no auth): what this server is and where its spec lives. */
import os from 'node:os';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { APP_VERSION } from '../version.ts';
import { oauthEndpoints } from '../oauth/metadata.ts';

/** The answer of `GET /v1/info`: exported so that a test holds it to the official SDK's type. */
export const InfoResponse = Type.Object({
  app: Type.Object({ bundle_id: Type.String(), name: Type.String(), version: Type.String() }),
  endpoints: Type.Object({
    spec: Type.String(),
    mcp: Type.Optional(Type.String()),
    ws_events: Type.Optional(Type.String()),
    oauth: Type.Optional(
      Type.Object({
        authorization_endpoint: Type.String(),
        token_endpoint: Type.String(),
        registration_endpoint: Type.String(),
        revocation_endpoint: Type.String(),
        introspection_endpoint: Type.String(),
        userinfo_endpoint: Type.String(),
      }),
    ),
  }),
  platform: Type.Object({ arch: Type.String(), os: Type.String(), release: Type.Optional(Type.String()) }),
  server: Type.Object({
    base_url: Type.String(),
    hostname: Type.String(),
    port: Type.Integer(),
    remote_access: Type.Boolean(),
    mcp_enabled: Type.Boolean(),
    status: Type.String(),
  }),
  auth: Type.Optional(Type.Object({ matrixSignIn: Type.Boolean({ description: 'Whether people may sign in with Matrix (`POST /v1/auth/matrix`).' }) })),
});

export function infoRoutes(app: FastifyInstance, server: () => { baseURL: string; hostname: string; port: number }, auth: { matrixSignIn: boolean } = { matrixSignIn: false }): void {
  const platform = { arch: process.arch, os: process.platform, release: os.release() };
  app.get(
    '/v1/info',
    { schema: { operationId: 'getInfo', summary: 'Server information (no auth)', tags: ['Info'], security: [], response: { 200: InfoResponse } } },
    async () => {
      const s = server();
      return {
        app: { bundle_id: 'org.bridge-login.server', name: 'bridge-login', version: APP_VERSION },
        endpoints: { spec: `${s.baseURL}/v1/openapi.json`, mcp: `${s.baseURL}/v0/mcp`, oauth: oauthEndpoints(s.baseURL) },
        platform,
        server: { base_url: s.baseURL, hostname: s.hostname, port: s.port, remote_access: false, mcp_enabled: true, status: 'running' },
        auth,
      };
    },
  );
}
