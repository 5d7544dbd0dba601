/**
 * `GET /v1/info` against the official SDK's `InfoRetrieveResponse` (`@beeper/desktop-api`):
 * every field we declare or send must be one the SDK declares, with its type. Fields we leave
 * out (an endpoint we do not serve) are fine; fields the SDK does not know are not. Both checks
 * walk the whole answer, so fields added later (endpoints.mcp, endpoints.oauth) are held to it too.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import BeeperDesktop from '@beeper/desktop-api';
import type { InfoRetrieveResponse } from '@beeper/desktop-api/resources/info';
import type { Static } from 'typebox';
import ts from 'typescript';
import type { InfoResponse } from '../../src/info/routes.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// ---- compile time: our schema's type against the SDK's ----------------------------------------

/** The SDK's type with every field optional, at every depth: what we may leave out. */
type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The dotted paths of the fields of `A` that `B` does not declare; `never` when there are none. */
type Invented<A, B, P extends string = ''> = {
  [K in keyof A & string]-?: string extends K
    ? never // an open object (oauth before it is filled in) declares no field of its own
    : K extends keyof B
      ? NonNullable<A[K]> extends object
        ? Invented<NonNullable<A[K]>, NonNullable<B[K]>, `${P}${K}.`>
        : never
      : `${P}${K}`;
}[keyof A & string];

/** Our answer without `auth`, the one field api.md §10 adds beyond the SDK ([extension]). */
type Ours = Omit<Static<typeof InfoResponse>, 'auth'>;

// Each field we declare has the SDK's type (the typecheck fails otherwise)…
export const asSDK = (ours: Ours): DeepPartial<InfoRetrieveResponse> => ours;
// …and none is ours alone: on a field the SDK lacks, this names it in the type error.
export const noInventedFields: [Invented<Ours, InfoRetrieveResponse>] extends [never] ? true : Invented<Ours, InfoRetrieveResponse> = true;

// ---- run time: the answer we really send, field by field ---------------------------------------

/** The SDK's declaration of `InfoRetrieveResponse`, read by the TypeScript compiler. */
function sdkInfoType(): { checker: ts.TypeChecker; type: ts.Type } {
  const file = createRequire(import.meta.url).resolve('@beeper/desktop-api/resources/info').replace(/\.js$/, '.d.ts');
  const program = ts.createProgram([file], { noEmit: true, noLib: true, skipLibCheck: true, types: [], strict: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  assert.ok(source, `the SDK ships ${file}`);
  const symbol = checker.getSymbolAtLocation(source)?.exports?.get('InfoRetrieveResponse' as ts.__String);
  assert.ok(symbol, 'the SDK declares InfoRetrieveResponse');
  return { checker, type: checker.getDeclaredTypeOfSymbol(symbol) };
}

/** The problems of `value` at `path` measured against the SDK's `type`; empty when it conforms. */
function problems(checker: ts.TypeChecker, value: unknown, type: ts.Type, path: string): string[] {
  const t = checker.getNonNullableType(type);
  const name = checker.typeToString(t);
  if (t.flags & ts.TypeFlags.StringLike) return typeof value === 'string' ? [] : [`${path}: ${JSON.stringify(value)} is not a ${name}`];
  if (t.flags & ts.TypeFlags.NumberLike) return typeof value === 'number' ? [] : [`${path}: ${JSON.stringify(value)} is not a ${name}`];
  if (t.flags & ts.TypeFlags.BooleanLike) return typeof value === 'boolean' ? [] : [`${path}: ${JSON.stringify(value)} is not a ${name}`];
  if (!(t.flags & ts.TypeFlags.Object)) return [`${path}: the SDK's type ${name} is not one this test knows`];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: ${JSON.stringify(value)} is not an object (${name})`];
  return Object.entries(value).flatMap(([key, v]) => {
    const property = t.getProperty(key);
    if (!property) return [`${path}.${key}: not a field of the SDK's ${name}`];
    return problems(checker, v, checker.getTypeOfSymbol(property), `${path}.${key}`);
  });
}

let server: TestServer;
let sdk: ReturnType<typeof sdkInfoType>;
before(async () => {
  server = await startTestServer();
  sdk = sdkInfoType();
});
after(() => server?.close());

test('each field of our /v1/info answer is a field of the SDK\'s InfoRetrieveResponse, with its type', async () => {
  const info = await server.api('GET', '/v1/info', undefined, { authorization: '' });
  assert.equal(info.status, 200);
  // `auth` is api.md §10's addition (whether people may sign in with Matrix); all else is the SDK's.
  const { auth, ...sdkFields } = info.body;
  assert.deepEqual(auth, { matrixSignIn: false });
  assert.deepEqual(problems(sdk.checker, sdkFields, sdk.type, 'info'), []);
  // The fields the SDK requires at the top and in `server` are all there (only endpoints may be partial).
  for (const key of ['app', 'endpoints', 'platform', 'server'] as const) assert.ok(info.body[key], `info.${key}`);
  for (const key of ['base_url', 'hostname', 'mcp_enabled', 'port', 'remote_access', 'status']) assert.ok(key in info.body.server, `info.server.${key}`);
  assert.equal(info.body.endpoints.spec, `${server.baseURL}/v1/openapi.json`);
});

test('the check catches a field the SDK does not declare and a field of the wrong type', () => {
  const invented = { app: { bundle_id: 'x', name: 'x', version: '1' }, endpoints: { spec: 's', graphql: 'g' }, server: { port: '23373' } };
  assert.deepEqual(problems(sdk.checker, invented, sdk.type, 'info'), [
    'info.endpoints.graphql: not a field of the SDK\'s Endpoints',
    'info.server.port: "23373" is not a number',
  ]);
  assert.deepEqual(problems(sdk.checker, { endpoints: { oauth: { token_endpoint: 't', device_endpoint: 'd' } } }, sdk.type, 'info'), [
    'info.endpoints.oauth.device_endpoint: not a field of the SDK\'s OAuth',
  ]);
});

test('the official SDK reads our /v1/info', async () => {
  const client = new BeeperDesktop({ baseURL: server.baseURL, accessToken: server.token, maxRetries: 0 });
  const info = await client.info.retrieve();
  assert.equal(info.app.name, 'bridge-login');
  assert.equal(info.server.base_url, server.baseURL);
  assert.equal(info.endpoints.spec, `${server.baseURL}/v1/openapi.json`);
});
