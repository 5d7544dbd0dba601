/**
 * Checks of the HTTP contract's error shape (`api.md` §2) and the list of routes, read from the
 * server's own OpenAPI document, that the hardening tests walk.
 */
import assert from 'node:assert/strict';
import { ERROR_STATUS } from '../../src/errors.ts';

export interface Route {
  method: string;
  /** Fastify-style path, e.g. `/v1/bridges/:bridgeID`. */
  path: string;
  params: string[];
  /** Whether the contract lets the route run without a token. */
  isPublic: boolean;
}

/** Every route of `/v1/openapi.json` (plus the document itself, which it does not list). */
export function routesOf(openapi: { paths: Record<string, Record<string, { security?: unknown[] }>> }): Route[] {
  const routes: Route[] = [];
  for (const [p, ops] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      routes.push({ method: method.toUpperCase(), path: p.replace(/\{(\w+)\}/g, ':$1'), params, isPublic: Array.isArray(op.security) && op.security.length === 0 });
    }
  }
  routes.push({ method: 'GET', path: '/v1/openapi.json', params: [], isPublic: true });
  return routes;
}

/**
 * Every method and path the router itself holds, read from Fastify's `printRoutes()` tree: what
 * the OpenAPI document may not list (a hidden route, a route added before the document's hook).
 */
export function routerRoutes(tree: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]?.split(', ') ?? []) out.push({ method, path });
  }
  return out;
}

/** Fill a route's path parameters from `values` (already URL-encoded). */
export function fillPath(route: Route, values: Record<string, string>): string {
  return route.path.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? 'x');
}

/**
 * Assert that an answer is a 4xx with the contract's error body: `{code, message, details?}`,
 * `code` from the closed list and matching the status, and an `X-Request-ID`.
 */
export function assertClientError(status: number, headers: Record<string, unknown>, text: string, what: string): { code: string; message: string } {
  assert.ok(status >= 400 && status < 500, `${what}: status ${status} is not a 4xx: ${text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${what}: ${status} body is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  assert.ok(body !== null && typeof body === 'object' && !Array.isArray(body), `${what}: body is not an object`);
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) assert.ok(['code', 'message', 'details'].includes(k), `${what}: unexpected key "${k}" in ${text.slice(0, 200)}`);
  assert.equal(typeof b.code, 'string', `${what}: code`);
  assert.equal(typeof b.message, 'string', `${what}: message`);
  if (b.details !== undefined) assert.ok(typeof b.details === 'object' && b.details !== null && !Array.isArray(b.details), `${what}: details`);
  assert.ok(Object.hasOwn(ERROR_STATUS, b.code as string), `${what}: code "${String(b.code)}" is not in the closed list`);
  assert.equal(ERROR_STATUS[b.code as keyof typeof ERROR_STATUS], status, `${what}: code ${String(b.code)} does not go with status ${status}`);
  assert.ok(headers['x-request-id'], `${what}: no X-Request-ID`);
  return b as { code: string; message: string };
}
