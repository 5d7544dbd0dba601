#!/usr/bin/env node
// The bridge-login command. It runs the bundle in dist/ (made by `npm run build`, which
// `npm ci` runs) while that file is newer than every source file; otherwise, for example right
// after an edit, it runs the TypeScript sources through tsx.
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

if (existsSync(compiled) && statSync(compiled).mtimeMs >= newest(new URL('src/', root))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
