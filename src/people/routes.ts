/**
 * Routes of people (api.md §10): `POST /v1/auth/matrix` (sign in with a Matrix OpenID token, no
 * Bearer), `DELETE /v1/auth/token` (sign out: revoke the token used), and the owner's
 * `GET /v1/users` and `DELETE /v1/users/{userID}/tokens`.
 */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.ts';
import { principalOf, tokenIDOf } from '../principal.ts';
import { errorResponses } from '../schemas/common.ts';
import type { TokenStorage } from '../store/storage.ts';
import type { Clock } from '../clock.ts';
import { SERVER_NAME_PATTERN } from './server-name.ts';
import type { PeopleService } from './service.ts';

const SignInBody = Type.Object(
  {
    accessToken: Type.String({ minLength: 1, maxLength: 1024, description: 'The OpenID token from the homeserver\'s `/openid/request_token`.' }),
    matrixServerName: Type.String({ minLength: 1, maxLength: 255, pattern: SERVER_NAME_PATTERN, description: 'The server name the homeserver gave with the token.' }),
  },
  { additionalProperties: true },
);
const SignedIn = Type.Object({ accessToken: Type.String(), userID: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
const Person = Type.Object({
  userID: Type.String(),
  tokens: Type.Integer(),
  accounts: Type.Integer(),
  activeSessions: Type.Integer(),
  lastSeenAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const MXID = Type.String({ minLength: 3, maxLength: 255, pattern: '^@[^:\\s]+:\\S+$' });

/** 403 `forbidden` unless the caller is the owner. */
function ownerOnly(request: FastifyRequest): void {
  if (principalOf(request).kind !== 'owner') throw new ApiError('forbidden', 'only the owner of this server may do this');
}

export function peopleRoutes(app: FastifyInstance, people: PeopleService, tokens: TokenStorage, clock: Clock): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/auth/matrix',
    {
      schema: {
        operationId: 'signInWithMatrix',
        summary: 'Sign in with a Matrix OpenID token (no Bearer needed)',
        tags: ['People'],
        security: [],
        body: SignInBody,
        response: { 200: SignedIn, ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => people.signIn(request.body.accessToken, request.body.matrixServerName),
  );

  r.delete(
    '/v1/auth/token',
    { schema: { operationId: 'signOut', summary: 'Revoke the token this request carries', tags: ['People'], response: { 204: Type.Null(), ...errorResponses(401) } } },
    async (request, reply) => {
      const id = tokenIDOf(request);
      if (id !== undefined) await tokens.revoke(id, clock.now());
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/v1/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'List the people who signed in (owner only)',
        tags: ['People'],
        response: { 200: Type.Object({ items: Type.Array(Person) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      ownerOnly(request);
      return { items: await people.list() };
    },
  );

  r.delete(
    '/v1/users/:userID/tokens',
    {
      schema: {
        operationId: 'signUserOut',
        summary: 'Sign a person out everywhere (owner only)',
        tags: ['People'],
        params: Type.Object({ userID: MXID }),
        response: { 200: Type.Object({ userID: Type.String(), revoked: Type.Integer() }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      ownerOnly(request);
      return people.signOut(request.params.userID);
    },
  );
}
