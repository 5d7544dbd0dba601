/** Routes of logins and accounts (`api.md` §4). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../principal.ts';
import { PathID, errorResponses, RemoveScope } from '../schemas/common.ts';
import type { LoginService } from './service.ts';

export function loginRoutes(app: FastifyInstance, logins: LoginService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const BridgeParams = Type.Object({ bridgeID: PathID });
  const LoginParams = Type.Object({ bridgeID: PathID, loginID: PathID });

  r.get(
    '/v1/accounts',
    { schema: { operationId: 'listAccounts', summary: 'List connected accounts', tags: ['Accounts'], response: { 200: Type.Array(Type.Ref('Account')), ...errorResponses(401) } } },
    async (request) => logins.accounts(principalOf(request)),
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
    async (request) => logins.account(principalOf(request), request.params.accountID),
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
    async (request) => ({ items: await logins.listWire(principalOf(request), request.params.bridgeID) }),
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
    async (request) => logins.getWire(principalOf(request), request.params.bridgeID, request.params.loginID),
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
        body: Type.Object({ scope: RemoveScope }),
        response: {
          200: Type.Object({
            bridgeID: Type.String(),
            loginID: Type.String(),
            scope: RemoveScope,
            status: Type.Literal('removed'),
            affectedAccountIDs: Type.Optional(Type.Array(Type.String())),
          }),
          ...errorResponses(400, 401, 404, 413, 415, 503),
        },
      },
    },
    async (request) => {
      const { bridgeID, loginID } = request.params;
      const { affectedAccountIDs } = await logins.remove(principalOf(request), bridgeID, loginID, request.body.scope);
      return { bridgeID, loginID, scope: request.body.scope, status: 'removed' as const, affectedAccountIDs };
    },
  );
}
