/** Routes of bridges, their flows and capabilities (`api.md` §4). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LoginService } from '../logins/service.ts';
import { principalOf } from '../principal.ts';
import { PathID, errorResponses } from '../schemas/common.ts';
import { onBridge } from './errors.ts';
import type { BridgeRegistry } from './registry.ts';

export function bridgeRoutes(app: FastifyInstance, bridges: BridgeRegistry, logins: LoginService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const BridgeParams = Type.Object({ bridgeID: PathID });

  r.get(
    '/v1/bridges',
    {
      schema: {
        operationId: 'listBridges',
        summary: 'List bridges',
        tags: ['Bridges'],
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Bridge')) }), ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await Promise.all(bridges.all().map((b) => logins.bridgeView(principalOf(request), b))) }),
  );

  r.get(
    '/v1/bridges/:bridgeID',
    {
      schema: {
        operationId: 'getBridge',
        summary: 'Get a bridge',
        tags: ['Bridges'],
        params: BridgeParams,
        response: { 200: Type.Ref('Bridge'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => logins.bridgeView(principalOf(request), bridges.get(request.params.bridgeID)),
  );

  r.get(
    '/v1/bridges/:bridgeID/capabilities',
    {
      schema: {
        operationId: 'getBridgeCapabilities',
        summary: "Get a bridge's provisioning capabilities",
        tags: ['Bridges'],
        params: BridgeParams,
        response: { 200: Type.Ref('ProvisioningCapabilities'), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const bridge = bridges.get(request.params.bridgeID);
      return onBridge(bridge.descriptor.id, () => bridge.capabilities());
    },
  );

  r.get(
    '/v1/bridges/:bridgeID/login-flows',
    {
      schema: {
        operationId: 'listLoginFlows',
        summary: "List a bridge's login flows",
        description: 'The first flow is the default.',
        tags: ['Bridges'],
        params: BridgeParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('LoginFlow')) }), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const bridge = bridges.get(request.params.bridgeID);
      return { items: await onBridge(bridge.descriptor.id, () => bridge.flows()) };
    },
  );
}
