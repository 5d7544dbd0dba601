import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import Fastify from 'fastify';
import { WEB_CSP, webRoutes } from '../../src/web/plugin.ts';
import { startTestServer } from '../support/server.ts';

const publicFile = (name: string) => readFile(new URL(`../../src/web/public/${name}`, import.meta.url), 'utf8');

async function appWithPage() {
  const app = Fastify();
  await app.register(webRoutes);
  await app.ready();
  return app;
}

test('the page, its script and its style are served with their types and safety headers', async () => {
  const app = await appWithPage();
  const cases: [string, string, string][] = [
    ['/', 'text/html; charset=utf-8', 'index.html'],
    ['/app.js', 'text/javascript; charset=utf-8', 'app.js'],
    ['/app.css', 'text/css; charset=utf-8', 'app.css'],
  ];
  for (const [url, type, file] of cases) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], type, url);
    assert.equal(res.headers['content-security-policy'], WEB_CSP, url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    assert.equal(res.headers['cache-control'], 'no-cache', url);
    assert.equal(res.body, await publicFile(file), url);
  }
  await app.close();
});

test('every module app.js imports is served', async () => {
  const app = await appWithPage();
  const pending = ['app.js'];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const res = await app.inject({ url: `/${name}` });
    assert.equal(res.statusCode, 200, name);
    for (const match of res.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(match[1] as string);
  }
  assert.ok(seen.size > 1);
  await app.close();
});

test('the CSP forbids inline code and framing, and the page has no inline script or handler', async () => {
  for (const directive of ["script-src 'self'", "style-src 'self'", "img-src 'self' data:", "media-src 'self' data:", "frame-ancestors 'none'", "connect-src 'self'"]) {
    assert.ok(WEB_CSP.includes(directive), directive);
  }
  const html = await publicFile('index.html');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline <script>');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'inline event handler');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'inline style');
});

test('no script of the page writes HTML from strings', async () => {
  const scripts = (await readdir(new URL('../../src/web/public/', import.meta.url))).filter((name) => name.endsWith('.js'));
  assert.ok(scripts.includes('app.js'), 'the folder was read');
  for (const name of scripts) {
    const source = await publicFile(name);
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, name);
  }
});

test('the real app serves the page without a token and keeps it out of the OpenAPI document', async () => {
  const server = await startTestServer();
  try {
    const page = await fetch(`${server.baseURL}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), WEB_CSP);
    const doc = await server.api('GET', '/v1/openapi.json');
    const paths = Object.keys(doc.body.paths);
    assert.ok(paths.some((p) => p.startsWith('/v1/')));
    for (const own of ['/', '/app.js', '/app.css', '/session.js']) assert.ok(!paths.includes(own), own);
  } finally {
    await server.close();
  }
});
