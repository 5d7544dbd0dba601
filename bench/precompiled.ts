/**
 * For comparison only: the sources transpiled once to plain JavaScript (TypeScript's
 * `transpileModule`, no type check), so that start time can be measured without tsx's
 * on-the-fly compile. Written under `.tmp/` (gitignored).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from './processes.ts';

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Transpile `src/` to `.tmp/bench-dist/src/`; returns the entry file to run (`main.js`). */
export async function compileForComparison(): Promise<string> {
  const out = path.join(PROJECT_ROOT, '.tmp', 'bench-dist');
  rmSync(out, { recursive: true, force: true });
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    rewriteRelativeImportExtensions: true,
  };
  for (const file of files(path.join(PROJECT_ROOT, 'src'))) {
    const target = path.join(out, path.relative(PROJECT_ROOT, file));
    mkdirSync(path.dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      copyFileSync(file, target); // web assets and the like, as they are
      continue;
    }
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
  }
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  return path.join(out, 'src', 'main.js');
}
