/**
 * The OpenAPI document, generated from the routes' schemas by `@fastify/swagger` and served at
 * `/v1/openapi.json` (public). Register it before the routes, so that it sees them all.
 */
import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { Account, Bridge, BridgeLogin, ErrorBody, LoginFlow, Provider, ProvisioningCapabilities, User } from '../schemas/common.ts';
import { LoginSession, LoginStep } from '../schemas/login-session.ts';
import { APP_VERSION } from '../version.ts';

/** The schemas that routes refer to by `$id`; the document lists them as components. */
const SHARED_SCHEMAS = [ErrorBody, User, Provider, Account, BridgeLogin, Bridge, LoginFlow, ProvisioningCapabilities, LoginStep, LoginSession];

type Paths = Record<string, { post?: { requestBody?: { required?: boolean } } }>;

const openapi: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'bridge-login',
        version: APP_VERSION,
        description: 'Login sessions for chat bridges; wire-compatible with the bridge part of the Beeper Desktop API.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // The create body may be left out ("{…} or none", api.md §4); the generator marks every body required.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const doc = document.openapiObject;
      const create = (doc as { paths?: Paths }).paths?.['/v1/bridges/{bridgeID}/login-sessions']?.post;
      if (create?.requestBody) create.requestBody.required = false;
      return doc;
    },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // Generated on the first request, once every route is known.
  let document: string | undefined;
  app.get('/v1/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    document ??= JSON.stringify(app.swagger());
    return reply.type('application/json; charset=utf-8').send(document);
  });
};

/** The OpenAPI document and its route. */
export const openAPI = fp(openapi, { name: 'openapi' });
