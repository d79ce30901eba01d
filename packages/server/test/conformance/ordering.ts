/**
 * Search results are ordered, but the order can legitimately differ between two servers: ties are
 * broken by random run ids, and generated timestamps differ (two model versions written in the
 * same millisecond on one server, 60 ms apart on the other, so the name tiebreak decides on one
 * side only). For each pair our list puts the other way round, the sort keys are walked in order
 * on both sides: the inversion is explained if the pair stays tied to the end (random tiebreak),
 * or if the first key where the two sides disagree is a server-generated time. Explained
 * inversions are aligned to the recorded order so the element-wise comparison can run; any other
 * leaves our order in place and shows up as a mismatch.
 */

type Json = unknown;
type Obj = Record<string, Json>;

interface ResultArray {
  /** Stable identity of an element (in the recorded id space). */
  identity(e: Obj): string | undefined;
  /** Value of one `order_by` field for an element. */
  field(e: Obj, entity: string, key: string): Json;
  /** MLflow's default order_by, used when the request gives none. */
  defaults: readonly string[];
  /** Deterministic tiebreakers MLflow appends (random ones, like run_uuid, are left out). */
  tiebreakers: readonly string[];
}

/** Fields whose values each server generates (timestamps), as sort keys. */
const GENERATED_KEYS: ReadonlySet<string> = new Set([
  'start_time',
  'end_time',
  'creation_time',
  'last_update_time',
  'timestamp',
  'creation_timestamp',
  'last_updated_timestamp',
]);

const RESULT_ARRAYS: Readonly<Record<string, ResultArray>> = {
  runs: {
    identity: (e) => str(obj(e.info).run_id),
    field: (e, entity, key) => {
      const data = obj(e.data);
      if (entity === 'metric') return keyed(data.metrics, key)?.value;
      if (entity === 'param') return keyed(data.params, key)?.value;
      if (entity === 'tag') return keyed(data.tags, key)?.value;
      return obj(e.info)[key];
    },
    defaults: ['start_time'],
    tiebreakers: [],
  },
  experiments: {
    identity: (e) => str(e.experiment_id),
    field: (e, _entity, key) => e[key],
    defaults: ['creation_time'],
    tiebreakers: ['experiment_id'],
  },
  registered_models: {
    identity: (e) => str(e.name),
    field: (e, _entity, key) => e[key === 'timestamp' ? 'creation_timestamp' : key],
    defaults: ['name'],
    tiebreakers: ['name'],
  },
  model_versions: {
    identity: (e) => (typeof e.name === 'string' && typeof e.version === 'string' ? `${e.name}/${e.version}` : undefined),
    field: (e, _entity, key) => e[key === 'version_number' ? 'version' : key === 'timestamp' ? 'creation_timestamp' : key],
    defaults: ['last_updated_timestamp'],
    tiebreakers: ['name', 'version_number'],
  },
};

/**
 * Reorders our top-level result arrays to the recorded order where the difference is only among
 * ties. Both values are in the recorded id space, timestamps not yet masked.
 */
export function alignResultOrder(recorded: Json, ours: Json, orderBy: readonly string[] | undefined): Json {
  if (!isObj(recorded) || !isObj(ours)) return ours;
  const out: Obj = { ...ours };
  for (const [key, spec] of Object.entries(RESULT_ARRAYS)) {
    const r = recorded[key];
    const o = ours[key];
    if (Array.isArray(r) && Array.isArray(o)) out[key] = align(r.map(obj), o.map(obj), spec, orderBy);
  }
  return out;
}

function align(recorded: Obj[], ours: Obj[], spec: ResultArray, orderBy: readonly string[] | undefined): Obj[] {
  const recIds = recorded.map((e) => spec.identity(e));
  const ourIds = ours.map((e) => spec.identity(e));
  if (!sameSet(recIds, ourIds)) return ours;
  const ourIndex = new Map(ourIds.map((id, i) => [id as string, i]));
  const ourById = new Map(ourIds.map((id, i) => [id as string, ours[i] as Obj]));
  const keys = sortKeys([...(orderBy ?? spec.defaults), ...spec.tiebreakers]);
  const values = (e: Obj) => keys.map(([entity, k]) => spec.field(e, entity, k));
  const recValues = recorded.map(values);
  const ourValues = new Map(ourIds.map((id, i) => [id as string, values(ours[i] as Obj)]));
  for (let i = 0; i < recorded.length; i++) {
    for (let j = i + 1; j < recorded.length; j++) {
      const a = recIds[i] as string;
      const b = recIds[j] as string;
      if ((ourIndex.get(a) as number) < (ourIndex.get(b) as number)) continue;
      const there: [Json[], Json[]] = [recValues[i] as Json[], recValues[j] as Json[]];
      const here: [Json[], Json[]] = [ourValues.get(a) as Json[], ourValues.get(b) as Json[]];
      if (!inversionExplained(keys, there, here)) return ours;
    }
  }
  return recIds.map((id) => ourById.get(id as string) as Obj);
}

/** See the file comment: tied throughout, or first disagreement on a generated time. */
function inversionExplained(keys: [string, string][], there: [Json[], Json[]], here: [Json[], Json[]]): boolean {
  for (let k = 0; k < keys.length; k++) {
    const cmpThere = compare(there[0][k], there[1][k]);
    const cmpHere = compare(here[0][k], here[1][k]);
    if (cmpThere === 0 && cmpHere === 0) continue;
    const [entity, key] = keys[k] as [string, string];
    return cmpThere !== cmpHere && entity === 'attribute' && GENERATED_KEYS.has(key);
  }
  return true;
}

function compare(a: Json, b: Json): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `metrics.\`m 1\` DESC` -> ['metric', 'm 1']; attribute prefixes and ASC/DESC dropped. */
export function sortKeys(orderBy: readonly string[]): [string, string][] {
  return orderBy.map((clause) => {
    const field = clause.trim().replace(/\s+(asc|desc)$/i, '').trim();
    const m = /^(metrics?|params?|parameters?|tags?|attributes?|attr|run)\.(.+)$/i.exec(field);
    const entity = m ? (m[1] as string).toLowerCase().replace(/s$/, '').replace('parameter', 'param') : 'attribute';
    const key = (m ? (m[2] as string) : field).replace(/^[`"']|[`"']$/g, '');
    return [entity, key];
  });
}

function sameSet(a: (string | undefined)[], b: (string | undefined)[]): boolean {
  if (a.length !== b.length || a.some((x) => x === undefined) || b.some((x) => x === undefined)) return false;
  if (new Set(a).size !== a.length) return false;
  const sb = new Set(b);
  return sb.size === b.length && a.every((x) => sb.has(x));
}

function keyed(list: Json, key: string): Obj | undefined {
  return Array.isArray(list) ? (list.map(obj).find((e) => e.key === key) as Obj | undefined) : undefined;
}

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: Json): Obj {
  return isObj(v) ? v : {};
}

function str(v: Json): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
