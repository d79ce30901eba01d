/**
 * `npm run bench -- [flags]`: the load generator's options, validated all at once (like the
 * server's own config) so a typo is reported before minutes of seeding.
 */
import { parseFlags } from '../config/flags.js';
import type { FlagSpec } from '../config/flags.js';
import { SCENARIO_NAMES } from './scenarios.js';
import type { TargetBackend } from './baseline.js';
import { parseDuration } from './soak.js';
import type { CompareOptions } from './compare.js';

export interface BenchOptions {
  /** An already running server; when absent the bench starts one from dist/. */
  readonly url: string | undefined;
  /** Server backend; MySQL/PostgreSQL URIs get a fresh database that is dropped afterwards. */
  readonly backendStoreUri: string | undefined;
  readonly workers: number | undefined;
  /** Separate server processes on their own ports and one backend; requests go round-robin. */
  readonly replicas: number;
  /** Extra node flags for the started server (profiling: `--cpu-prof --cpu-prof-dir=DIR`). */
  readonly serverNodeArgs: readonly string[];
  readonly durationSeconds: number;
  /** Unmeasured lead-in per scenario so V8's JIT and the connection pool are warm. */
  readonly warmupSeconds: number;
  readonly clients: number;
  /** Before each scenario wait up to this long for other load on the machine to stop. */
  readonly quietWaitSeconds: number;
  readonly scenarios: readonly string[];
  readonly jsonPath: string | undefined;
  /** An earlier run's --json file to compare with instead of the fixed Python figures. */
  readonly baselinePath: string | undefined;
  /** Process to sample RSS from when benching a server we did not start (--url). */
  readonly serverPid: number | undefined;
  /** Which target table applies (derived from the backend URI unless given). */
  readonly targets: TargetBackend | undefined;
  /** Seed the 1000 × 5 model registry (skipped automatically when the endpoints are missing). */
  readonly registry: boolean;
  /** Start the server with users and permissions on; the load runs as a non-admin user. */
  readonly auth: boolean;
  /** A sustained mixed load for this many seconds instead of the scenarios (./soak.ts). */
  readonly soakSeconds: number | undefined;
  readonly soakIntervalSeconds: number;
  /** A second server benched side by side (--compare-url / --compare-command), or undefined. */
  readonly compare: CompareOptions | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --url http://HOST:PORT       bench a running server instead of starting one from dist/
  --server-pid PID             with --url: sample the RSS of PID and its children
  --backend-store-uri URI      backend of the started server (default: SQLite in a temp dir);
                               mysql:// and postgresql:// get a fresh database, dropped afterwards
  --workers N                  passed to the started server
  --replicas N                 start N server processes (own ports, one backend); clients spread
                               their requests over them round-robin (default 1)
  --server-node-args "ARGS"    node flags for the started server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --duration S                 measured seconds per scenario (default 5)
  --warmup S                   unmeasured seconds before each scenario (default 0.5)
  --clients N                  concurrent keep-alive clients (default 16)
  --quiet-wait S               before each scenario, wait up to S seconds for the machine to be idle
                               (shared machines: builds and tests of others skew the figures)
  --scenarios a,b,c            subset, in the given order (default: all)
  --targets sqlite|mysql|postgresql   target table to judge against (default: from the URI)
  --no-registry                skip the model-registry seeding and scenarios
  --auth                       start the server with --app-name basic-auth; every request then
                               carries a non-admin user's Basic credentials (not with --url)
  --soak DURATION              instead of the scenarios, a mixed load (writes, run creation, reads)
                               for DURATION (30m, 90s, 1h); prints req/s, errors, p50/p99, RSS and
                               CPU per interval, then looks for every acknowledged write
  --soak-interval S            seconds per printed soak line (default 60)
  --json FILE                  also write the results as JSON
  --baseline FILE              compare with an earlier run's --json file (e.g. Python MLflow benched
                               here with --url) instead of the fixed Python MLflow 2.12.2 figures

  Side by side (same seed and load, scenarios alternating between the two servers):
  --compare-url http://HOST:PORT   a running second server, e.g. Python MLflow
  --compare-pid PID            with --compare-url: sample the RSS of PID and its children
  --compare-command "CMD"      start the second server from this shell command on a fresh backend
                               of the same kind as ours; {port}, {backend_store_uri} and
                               {artifact_root} are replaced, e.g. "python3 -m mlflow server
                               --backend-store-uri {backend_store_uri} --default-artifact-root
                               {artifact_root} --host 127.0.0.1 --port {port}"
  --compare-label NAME         the second server's name in the report (default: Python MLflow)

Scenarios: ${SCENARIO_NAMES.join(', ')}
`;

const SPECS: readonly FlagSpec[] = [
  { name: 'url', kind: 'string' },
  { name: 'server-pid', kind: 'string' },
  { name: 'backend-store-uri', kind: 'string' },
  { name: 'workers', kind: 'string' },
  { name: 'replicas', kind: 'string' },
  { name: 'server-node-args', kind: 'string' },
  { name: 'duration', kind: 'string' },
  { name: 'warmup', kind: 'string' },
  { name: 'clients', kind: 'string' },
  { name: 'quiet-wait', kind: 'string' },
  { name: 'scenarios', kind: 'string' },
  { name: 'targets', kind: 'string' },
  { name: 'registry', kind: 'boolean', negatable: true },
  { name: 'auth', kind: 'boolean' },
  { name: 'soak', kind: 'string' },
  { name: 'soak-interval', kind: 'string' },
  { name: 'json', kind: 'string' },
  { name: 'baseline', kind: 'string' },
  { name: 'compare-url', kind: 'string' },
  { name: 'compare-pid', kind: 'string' },
  { name: 'compare-command', kind: 'string' },
  { name: 'compare-label', kind: 'string' },
  { name: 'help', short: 'h', kind: 'boolean' },
];

export class OptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values, positionals, problems } = parseFlags(argv, SPECS);
  if (positionals.length > 0) problems.push(`Unexpected argument(s): ${positionals.join(' ')}`);
  const str = (name: string) => values.get(name) as string | undefined;
  const num = (name: string, fallback: number | undefined, min: number, integer: boolean) => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      problems.push(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got '${raw}'`);
      return fallback;
    }
    return n;
  };
  const url = str('url')?.replace(/\/+$/, '');
  if (url !== undefined && !/^http:\/\/[^/]+$/.test(url)) problems.push(`--url must look like http://host:port, got '${url}'`);
  const backendStoreUri = str('backend-store-uri');
  const workers = num('workers', undefined, 1, true);
  const replicas = num('replicas', 1, 1, true) as number;
  if (url !== undefined && values.has('replicas')) problems.push('--replicas configures the servers the bench starts; it cannot be combined with --url');
  const serverNodeArgs = (str('server-node-args') ?? '').split(/\s+/).filter((a) => a !== '');
  if (url !== undefined && (backendStoreUri !== undefined || workers !== undefined || serverNodeArgs.length > 0)) {
    problems.push('--backend-store-uri, --workers and --server-node-args configure the server the bench starts; they cannot be combined with --url');
  }
  if (url !== undefined && values.get('auth') === true) problems.push('--auth starts the server with users and permissions on; it cannot be combined with --url');
  const serverPid = num('server-pid', undefined, 1, true);
  if (serverPid !== undefined && url === undefined) problems.push('--server-pid only applies with --url');
  const compare = parseCompare(str, num('compare-pid', undefined, 1, true), problems);
  if (compare !== undefined && (url !== undefined || values.has('baseline'))) problems.push('--compare-url/--compare-command bench our own started server; they cannot be combined with --url or --baseline');
  const scenarios = parseScenarios(str('scenarios'), problems);
  const soakRaw = str('soak');
  const soakSeconds = soakRaw === undefined ? undefined : parseDuration(soakRaw);
  if (soakRaw !== undefined && soakSeconds === undefined) problems.push(`--soak must be a duration like 30m, 90s or 1h, got '${soakRaw}'`);
  if (soakRaw !== undefined && values.has('scenarios')) problems.push('--soak runs its own mix; it cannot be combined with --scenarios');
  const targets = parseTargets(str('targets'), problems);
  const options: BenchOptions = {
    url,
    backendStoreUri,
    workers,
    replicas,
    serverNodeArgs,
    durationSeconds: num('duration', 5, 0.1, false) as number,
    warmupSeconds: num('warmup', 0.5, 0, false) as number,
    clients: num('clients', 16, 1, true) as number,
    quietWaitSeconds: num('quiet-wait', 0, 0, false) as number,
    scenarios,
    jsonPath: str('json'),
    baselinePath: str('baseline'),
    serverPid,
    targets,
    registry: values.get('registry') !== false,
    auth: values.get('auth') === true,
    soakSeconds,
    soakIntervalSeconds: num('soak-interval', 60, 1, false) as number,
    compare,
    help: values.get('help') === true,
  };
  if (problems.length > 0 && !options.help) throw new OptionsError(problems);
  return options;
}

function parseScenarios(raw: string | undefined, problems: string[]): readonly string[] {
  if (raw === undefined) return SCENARIO_NAMES;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !SCENARIO_NAMES.includes(n));
  if (unknown.length > 0) problems.push(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIO_NAMES.join(', ')}`);
  if (names.length === 0) problems.push('--scenarios needs at least one name');
  return names.filter((n) => SCENARIO_NAMES.includes(n));
}

function parseTargets(raw: string | undefined, problems: string[]): TargetBackend | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'sqlite' || raw === 'mysql' || raw === 'postgresql') return raw;
  problems.push(`--targets must be sqlite, mysql or postgresql, got '${raw}'`);
  return undefined;
}

function parseCompare(str: (name: string) => string | undefined, pid: number | undefined, problems: string[]): CompareOptions | undefined {
  const url = str('compare-url')?.replace(/\/+$/, '');
  const command = str('compare-command');
  const label = str('compare-label') ?? 'Python MLflow';
  if (url === undefined && command === undefined) {
    if (pid !== undefined || str('compare-label') !== undefined) problems.push('--compare-pid and --compare-label need --compare-url or --compare-command');
    return undefined;
  }
  if (url !== undefined && command !== undefined) problems.push('give either --compare-url or --compare-command, not both');
  if (url !== undefined && !/^http:\/\/[^/]+$/.test(url)) problems.push(`--compare-url must look like http://host:port, got '${url}'`);
  if (command !== undefined && !command.includes('{port}')) problems.push('--compare-command must contain {port}: the bench picks a free port for it');
  if (pid !== undefined && url === undefined) problems.push('--compare-pid only applies with --compare-url');
  return { url, pid, command, label };
}
