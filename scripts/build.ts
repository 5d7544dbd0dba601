/**
 * @module scripts/build
 * Bundle the server (`src/main.ts` and every package it imports, but the native
 * `better-sqlite3`) into one JavaScript file, `dist/bridge-login.js`, with esbuild. Types are
 * checked by `npm test`, not here. `npm ci` runs it through `prepare`; `bin/bridge-login.js`
 * then runs the bundle while it is newer than every source file. One file starts faster and
 * holds less memory than ~830 modules loaded one by one (typebox alone is 373), and far less
 * than compiling on the fly with tsx. The web page's files are served from `src/web/public/`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build the server into `outDir` (default `dist/`); returns the bundle's path. */
export async function build(outDir = path.join(ROOT, 'dist')): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(outDir, 'bridge-login.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // A native addon: loaded from node_modules at run time.
    external: ['better-sqlite3'],
    // Bundled CommonJS packages call require() for Node's own modules.
    banner: { js: "import { createRequire as __bridgeLoginRequire } from 'node:module'; const require = __bridgeLoginRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await build();
  console.log(`bridge-login: built ${path.relative(ROOT, entry)}`);
}
