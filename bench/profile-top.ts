/**
 * The top self-time functions of a V8 CPU profile, and self time by package or source folder:
 * `node --import tsx bench/profile-top.ts <file.cpuprofile> [rows]`. Profiles come from
 * `npm run bench -- --only logins --profile DIR` (the server started with `--cpu-prof`; with
 * tsx there is one file per thread, the largest is the main thread's). Samples are wall time:
 * a native call that waits (fsync, a socket write) counts while it waits.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top.ts <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const rows = Number(rowsArg ?? 30);
const byID = new Map(profile.nodes.map((n) => [n.id, n]));

/** node_modules/<package>, src/<folder>, node core, or V8's own entries such as (garbage collector). */
function groupOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : `native ${name}`;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(src\/[^/]+|bench|test)\//.exec(url);
  if (own) return own[1]!.replace(/\.ts$/, '');
  return url.startsWith('node:') ? 'node core' : url;
}

const selfByFunction = new Map<string, number>();
const selfByGroup = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = byID.get(id)!.callFrame;
  const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + dt);
  const group = groupOf(url, functionName);
  selfByGroup.set(group, (selfByGroup.get(group) ?? 0) + dt);
  total += dt;
});

const line = (ms: number, label: string): string => `${((ms / total) * 100).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(0).padStart(7)} ms  ${label}`;
const top = (m: Map<string, number>): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, v]) => line(v, k));
process.stdout.write(
  [`${file}: ${(total / 1000).toFixed(0)} ms sampled`, '', 'self time by function:', ...top(selfByFunction), '', 'self time by package or folder:', ...top(selfByGroup), ''].join('\n'),
);
