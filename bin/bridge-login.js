#!/usr/bin/env node
// The bridge-login command. It runs the bundle in dist/ (made by `npm run build`, which
// `npm ci` runs) while that file is newer than every source file and than the installed
// packages (which it bundles); otherwise, for example right after an edit or an `npm install`,
// it runs the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/bridge-login.js', root);

/** The newest modification time of any file under `dir`. */
function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    max = Math.max(max, e.isDirectory() ? newest(url) : statSync(url).mtimeMs);
  }
  return max;
}

/** The modification time of a file, or 0 when it is absent. */
function mtime(url) {
  return existsSync(url) ? statSync(url).mtimeMs : 0;
}

// npm rewrites node_modules/.package-lock.json whenever it changes what is installed.
const inputs = Math.max(newest(new URL('src/', root)), mtime(new URL('package.json', root)), mtime(new URL('node_modules/.package-lock.json', root)));
if (existsSync(compiled) && statSync(compiled).mtimeMs >= inputs) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
