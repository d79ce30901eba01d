/**
 * What the server's processes use: resident memory summed over the process and all its
 * descendants (cluster workers, gunicorn workers when benching Python), read from /proc every
 * 100 ms, and the CPU time they burnt. Shared pages are counted once per process, like `ps`
 * does, so the RSS sum is an upper bound.
 */
import fs from 'node:fs';

const SAMPLE_INTERVAL_MS = 100;

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream build. */
const TICKS_PER_SECOND = 100;

export interface ProcessStats {
  readonly peakMb: number;
  readonly avgMb: number;
  readonly samples: number;
  /** CPU time of the whole process tree during the scenario, in seconds. */
  readonly cpuSeconds: number;
  /** CPU time of the database server's processes (MySQL/PostgreSQL), when asked for. */
  readonly dbCpuSeconds: number | undefined;
}

export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private sum = 0;
  private peak = 0;
  private count = 0;
  private cpuAtStart = 0;
  private dbCpuAtStart = new Map<number, number>();

  /**
   * `dbProcessNames`: command names of the database server (mariadbd, postgres): it works for
   * the server under test, so its CPU is reported apart instead of counting as other load.
   */
  /** `rootPids`: one process tree per server (several with --replicas), summed. */
  constructor(
    rootPids: number | readonly number[],
    private readonly dbProcessNames: ReadonlySet<string> = new Set(),
  ) {
    this.rootPids = typeof rootPids === 'number' ? [rootPids] : rootPids;
  }

  private readonly rootPids: readonly number[];

  start(): void {
    this.sum = 0;
    this.peak = 0;
    this.count = 0;
    this.cpuAtStart = this.cpuTicks();
    this.dbCpuAtStart = namedCpuTicks(this.dbProcessNames);
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    // a sampler must never keep the bench alive
    this.timer.unref();
  }

  stop(): ProcessStats | undefined {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    if (this.count === 0) return undefined;
    const cpuSeconds = (this.cpuTicks() - this.cpuAtStart) / TICKS_PER_SECOND;
    const dbCpuSeconds = this.dbProcessNames.size > 0 ? ticksSince(this.dbCpuAtStart, namedCpuTicks(this.dbProcessNames)) / TICKS_PER_SECOND : undefined;
    return { peakMb: this.peak / 1024, avgMb: this.sum / this.count / 1024, samples: this.count, cpuSeconds, dbCpuSeconds };
  }

  private cpuTicks(): number {
    return this.rootPids.reduce((sum, pid) => sum + treeCpuTicks(pid), 0);
  }

  private sample(): void {
    const each = this.rootPids.map(treeRssKb);
    // a server that exited: no sample rather than a smaller sum
    if (each.some((kb) => kb === undefined)) return;
    const kb = (each as number[]).reduce((a, b) => a + b, 0);
    this.sum += kb;
    this.count++;
    if (kb > this.peak) this.peak = kb;
  }
}

/** Sum of VmRSS (kB) of `pid` and its descendants; undefined when the process is gone. */
export function treeRssKb(pid: number): number | undefined {
  const root = rssKb(pid);
  if (root === undefined) return undefined;
  let total = root;
  for (const child of descendants(pid)) total += rssKb(child) ?? 0;
  return total;
}

/** utime + stime of `pid` and its descendants (workers live as long as the server does). */
function treeCpuTicks(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) total += cpuTicks(p)?.ticks ?? 0;
  return total;
}

/** utime + stime per pid of every process whose command name is in `names`. */
function namedCpuTicks(names: ReadonlySet<string>): Map<number, number> {
  const ticks = new Map<number, number>();
  if (names.size === 0) return ticks;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = cpuTicks(Number(entry));
    if (stat && names.has(stat.name)) ticks.set(Number(entry), stat.ticks);
  }
  return ticks;
}

/**
 * CPU ticks used between two readings, per process: PostgreSQL runs one process per session, and
 * one that exits in between takes its ticks with it, so totals subtracted could go negative.
 * A process that exited counts nothing (an undercount); one that started counts all it used.
 */
function ticksSince(before: ReadonlyMap<number, number>, now: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of now) total += Math.max(0, ticks - (before.get(pid) ?? 0));
  return total;
}

function cpuTicks(pid: number): { name: string; ticks: number } | undefined {
  try {
    // the command name (field 2) may contain spaces: count fields after its closing parenthesis
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    // the process exited between listing and reading
    return undefined;
  }
}

function rssKb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return undefined;
  }
}

/** Children are listed per thread in /proc/<pid>/task/<tid>/children (Linux ≥ 3.5). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop() as number;
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      let text = '';
      try {
        text = fs.readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.split(' ')) {
        const n = Number(child);
        if (child.trim() !== '' && Number.isInteger(n)) {
          out.push(n);
          queue.push(n);
        }
      }
    }
  }
  return out;
}

/** Whether RSS can be read here at all (Linux /proc). */
export function canSampleProcess(pid: number): boolean {
  return rssKb(pid) !== undefined;
}

/**
 * CPU seconds spent by the whole machine (all cores, every process) so far, from /proc/stat.
 * What is left after subtracting the server and the bench is other load: on a shared 2-core
 * machine that noise directly lowers the figures, so the report shows it.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] as string;
    // cpu user nice system idle iowait irq softirq steal ...
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most `maxSeconds`) until the machine has been nearly idle for one second, so a
 * scenario does not start while a build or test suite is running on a shared machine.
 * Returns false when it gave up. The server is idle between scenarios, so any load is others'.
 */
export async function waitForQuietMachine(maxSeconds: number): Promise<boolean> {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineBusySeconds();
    if (before === undefined || after === undefined) return true;
    // under 10% of one core in that second counts as quiet
    if (after - before < 0.1) return true;
    if (Date.now() > deadline) return false;
  }
}
