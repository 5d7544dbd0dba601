/**
 * @module web/plugin
 * Serves the web page (`src/web/public/`): `GET /` is `index.html`, every other file of that
 * folder is `GET /<name>` (`/app.js`, `/app.css` and the modules app.js imports). The files are
 * read once, at registration, and served from memory. They need no token: the page asks the
 * user for one and calls the public API with it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
// Brings in the `hide` key of route schemas, which keeps these routes out of the OpenAPI document.
import type {} from '@fastify/swagger';
import { projectRoot } from '../config/paths.ts';

/**
 * The page loads nothing but itself; API data may only appear as `data:` images (QR codes,
 * captchas) and `data:` audio (audio captchas).
 */
export const WEB_CSP = webCSP([]);

/**
 * The page's CSP. `connectSources` are the other origins the page may call: the homeservers
 * the browser signs in with when sign-in with Matrix is on (api.md §10).
 */
export function webCSP(connectSources: readonly string[]): string {
  const connect = ["'self'", ...connectSources].join(' ');
  return (
    `default-src 'self'; img-src 'self' data:; media-src 'self' data:; style-src 'self'; script-src 'self'; connect-src ${connect}; ` +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
  );
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Options of {@link webRoutes}; the default folder is `src/web/public/` of the project. */
export interface WebRoutesOptions {
  publicDir?: string;
  /** Origins besides the page's own that it may call (see {@link webCSP}). */
  connectSources?: readonly string[];
}

// Found from the project's root, not from this module's URL: the built server is one bundled
// file in dist/, and the page's files are served as they are in the sources.
const defaultPublicDir = path.join(projectRoot, 'src', 'web', 'public');

/**
 * Register the page's routes.
 *
 * @example
 * app.register(webRoutes);
 */
export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions = {}): Promise<void> {
  const dir = options.publicDir ?? defaultPublicDir;
  const csp = webCSP(options.connectSources ?? []);
  const names = (await readdir(dir)).filter((name) => contentTypes[path.extname(name)] !== undefined).sort();
  for (const name of names) {
    const body = await readFile(path.join(dir, name));
    const type = contentTypes[path.extname(name)] as string;
    const url = name === 'index.html' ? '/' : `/${name}`;
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', type)
        .header('content-security-policy', csp)
        .header('x-content-type-options', 'nosniff')
        // Older browsers ignore CSP's frame-ancestors; the consent page must never be framed.
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }
}
