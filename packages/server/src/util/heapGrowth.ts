/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again. V8 sizes that step by how fast it collects and, on a machine with a few GB of
 * heap to spare, up to 4× the surviving size. The server's own live data is small (~35 MB, most
 * of it code) but every request's rows live across database round trips, so they are promoted
 * to the old generation and die there: with 16 clients reading 1000-run pages or 10,000-point
 * histories from MariaDB or PostgreSQL the old generation grew to ~185 MB, and the process
 * peaked near 300 MB. At twice the surviving size it peaked under 210 MB (docs/benchmarks.md,
 * "Heap growth bounded"). 1.5× peaked lower still (~170 MB) but marked so often that large
 * reads cost 20–50% more CPU; 2.5× peaked at ~235 MB, too close to the 250 MB budget.
 *
 * A `--heap-growing-percent` given to node (its arguments or NODE_OPTIONS) is left as it is.
 */
import v8 from 'node:v8';

/** The old generation grows to 1 + this/100 times what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 100;

const FLAG = /(^|\s)--heap[-_]growing[-_]percent\b/;

/** The V8 flag to set, or undefined when node was given one already. */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (execArgv.some((arg) => FLAG.test(arg)) || FLAG.test(nodeOptions ?? '')) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Applies heapGrowthFlag to this process (V8 reads it at every full collection). */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}
