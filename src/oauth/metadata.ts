/**
 * @module oauth/metadata
 * Discovery: RFC 8414 authorization-server metadata and RFC 9728 protected-resource metadata
 * (for the whole API and for `/v0/mcp`, which MCP clients find through the 401's
 * `resource_metadata`). URLs are built from the request's own origin, which the host check has
 * already vetted, so that the issuer is the address the client used.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SCOPES } from './model.ts';

/** The paths of the endpoints, as `/v1/info` and the metadata name them. */
export const OAUTH_PATHS = {
  authorization_endpoint: '/oauth/authorize',
  token_endpoint: '/oauth/token',
  registration_endpoint: '/oauth/register',
  revocation_endpoint: '/oauth/revoke',
  introspection_endpoint: '/oauth/introspect',
  userinfo_endpoint: '/oauth/userinfo',
} as const;

/** The origin a request was made to (`http://127.0.0.1:23373`). */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Each endpoint's absolute URL under `base`. */
export function oauthEndpoints(base: string): Record<keyof typeof OAUTH_PATHS, string> {
  return Object.fromEntries(Object.entries(OAUTH_PATHS).map(([k, p]) => [k, base + p])) as Record<keyof typeof OAUTH_PATHS, string>;
}

/** RFC 8414 metadata of this authorization server. */
export function serverMetadata(base: string): Record<string, unknown> {
  return {
    issuer: base,
    ...oauthEndpoints(base),
    scopes_supported: [...SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: ['none'],
    service_documentation: `${base}/v1/openapi.json`,
  };
}

function resourceMetadata(base: string, resource: string): Record<string, unknown> {
  return { resource, authorization_servers: [base], scopes_supported: [...SCOPES], bearer_methods_supported: ['header'], resource_name: 'bridge-login' };
}

const hidden = { schema: { hide: true } } as const;

/** Register the three metadata documents. */
export function metadataRoutes(app: FastifyInstance): void {
  app.get('/.well-known/oauth-authorization-server', hidden, async (request) => serverMetadata(originOf(request)));
  app.get('/.well-known/oauth-protected-resource', hidden, async (request) => resourceMetadata(originOf(request), originOf(request)));
  app.get('/.well-known/oauth-protected-resource/v0/mcp', hidden, async (request) => resourceMetadata(originOf(request), `${originOf(request)}/v0/mcp`));
}
