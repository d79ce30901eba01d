/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --server-node-args "--cpu-prof
 * --cpu-prof-dir=DIR"`): the functions with the most self time and the most inclusive time.
 * `--last S` keeps only the final S seconds, i.e. the last scenario's measured phase, since the
 * server profiles its whole life (startup and seeding included).
 *
 *   node packages/server/dist/bench/profileSummary.js DIR/CPU.*.cpuprofile [--last 5] [--top 25]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Summary {
  totalMs: number;
  self: [string, number][];
  inclusive: [string, number][];
}

function summarizeProfile(profile: CpuProfile, lastSeconds: number): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // the sample i was taken at startTime + sum(timeDeltas[0..i]) and lasted until the next one
  const cutoff = lastSeconds > 0 ? profile.endTime - lastSeconds * 1e6 : -Infinity;
  const timeById = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < cutoff) continue;
    const id = profile.samples[i] as number;
    timeById.set(id, (timeById.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of timeById) {
    total += us;
    add(self, label(byId.get(id) as ProfileNode), us);
    // a recursive function counts once per sample
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = label(byId.get(cur) as ProfileNode);
      if (!seen.has(name)) add(inclusive, name, us);
      seen.add(name);
    }
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, self: top(self), inclusive: top(inclusive) };
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

/** `function file:line`, with node_modules paths shortened to the package. */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function main(argv: readonly string[]): number {
  const file = argv.find((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--'));
  const option = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  if (file === undefined) {
    console.error('Usage: node packages/server/dist/bench/profileSummary.js FILE.cpuprofile [--last SECONDS] [--top N]');
    return 2;
  }
  const summary = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, option('--last', 0));
  const top = option('--top', 25);
  const print = (title: string, rows: [string, number][]) => {
    console.log(`\n${title} (of ${summary.totalMs.toFixed(0)} ms sampled)`);
    for (const [name, us] of rows.slice(0, top)) console.log(`${((us / 1000 / summary.totalMs) * 100).toFixed(1).padStart(5)}%  ${name}`);
  };
  print('Self time', summary.self);
  print('Inclusive time', summary.inclusive);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
