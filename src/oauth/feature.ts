/**
 * @module oauth/feature
 * OAuth 2.1 for apps and MCP clients (api.md §12), as one Fastify plugin: the protocol routes
 * in a context of their own (form bodies, OAuth's error shape), and the consent and
 * approved-connections routes beside the rest of `/v1/`.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import { consentRoutes } from './consent.ts';
import { oauthServer } from './model.ts';
import { oauthRoutes } from './routes.ts';
import type { OAuthStorage } from './store.ts';

export interface OAuthFeatureOptions {
  store: OAuthStorage;
  clock: Clock;
}

/** Register every OAuth route. */
export async function oauthFeature(app: FastifyInstance, { store, clock }: OAuthFeatureOptions): Promise<void> {
  const server = oauthServer(store, clock);
  await app.register(oauthRoutes, { store, server, clock });
  consentRoutes(app, { store, server, clock });
}
