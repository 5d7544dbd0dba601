/** Routes of bridges, their flows and capabilities, logins and accounts (`api.md` §4). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { BridgeRegistry } from '../bridges/registry.ts';
import { onBridge } from '../bridges/errors.ts';
import type { LoginService } from '../logins/service.ts';
import { PathID, errorResponses } from '../schemas/common.ts';

const RemoveScopeSchema = Type.Union([Type.Literal('current-device'), Type.Literal('all-devices')]);

export function bridgeRoutes(app: FastifyInstance, bridges: BridgeRegistry, logins: LoginService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const BridgeParams = Type.Object({ bridgeID: PathID });
  const LoginParams = Type.Object({ bridgeID: PathID, loginID: PathID });

  r.get(
    '/v1/accounts',
    { schema: { operationId: 'listAccounts', summary: 'List connected accounts', tags: ['Accounts'], response: { 200: Type.Array(Type.Ref('Account')), ...errorResponses(401) } } },
    async () => logins.accounts(),
  );

  r.get(
    '/v1/accounts/:accountID',
    {
      schema: {
        operationId: 'getAccount',
        summary: 'Get an account',
        tags: ['Accounts'],
        params: Type.Object({ accountID: PathID }),
        response: { 200: Type.Ref('Account'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => logins.account(request.params.accountID),
  );

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
    async () => ({ items: await Promise.all(bridges.all().map((b) => logins.bridgeView(b))) }),
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
    async (request) => logins.bridgeView(bridges.get(request.params.bridgeID)),
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

  r.get(
    '/v1/bridges/:bridgeID/logins',
    {
      schema: {
        operationId: 'listBridgeLogins',
        summary: "List a bridge's logins",
        tags: ['Logins'],
        params: BridgeParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('BridgeLogin')) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: await logins.listWire(request.params.bridgeID) }),
  );

  r.get(
    '/v1/bridges/:bridgeID/logins/:loginID',
    {
      schema: {
        operationId: 'getBridgeLogin',
        summary: 'Get a login',
        tags: ['Logins'],
        params: LoginParams,
        response: { 200: Type.Ref('BridgeLogin'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => logins.getWire(request.params.bridgeID, request.params.loginID),
  );

  r.post(
    '/v1/bridges/:bridgeID/logins/:loginID/remove',
    {
      schema: {
        operationId: 'removeBridgeLogin',
        summary: 'Log out and remove a login',
        description: 'Logs the login out on its bridge and deletes it and its accounts.',
        tags: ['Logins'],
        params: LoginParams,
        body: Type.Object({ scope: RemoveScopeSchema }),
        response: {
          200: Type.Object({
            bridgeID: Type.String(),
            loginID: Type.String(),
            scope: RemoveScopeSchema,
            status: Type.Literal('removed'),
            affectedAccountIDs: Type.Optional(Type.Array(Type.String())),
          }),
          ...errorResponses(400, 401, 404, 413, 415, 503),
        },
      },
    },
    async (request) => {
      const { bridgeID, loginID } = request.params;
      const { affectedAccountIDs } = await logins.remove(bridgeID, loginID, request.body.scope);
      return { bridgeID, loginID, scope: request.body.scope, status: 'removed' as const, affectedAccountIDs };
    },
  );
}
