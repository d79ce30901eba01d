/**
 * Runs created by identical requests are interchangeable until something tells them apart.
 *
 * MLflow orders run searches by start_time DESC and then by run_uuid, a random uuid4, and cuts
 * pages from that order. Ten runs created alike (same start_time) therefore fall on pages by their
 * random ids, which differ between the recording and our server: both answers are correct. Which
 * recorded run was paired with which of ours at creation is arbitrary for such runs, because their
 * creation answers differ only in the run's own id and generated name; the first search that shows
 * them may choose the pairing instead. The rules:
 *
 * - A class holds runs whose runs/create exchange matched and whose recorded request, recorded
 *   answer and our answer are each identical once the run's own id and generated name are blanked
 *   out. A generated start_time, or anything else the server chose differently, splits them.
 * - A run leaves its class for good when a recorded request names it (by id or generated name: a
 *   write or read about that run makes it itself) or when any answer other than its creation shows
 *   it (its page and position are then fixed, so a later page cannot claim it again).
 * - Only an answer that does not match as bound may re-pair, position by position in its `runs`
 *   array, swapping two runs of one class. The swaps are kept only if the whole answer then
 *   matches; otherwise they are undone and the difference is reported.
 * - A search whose request mentions identity fields (run_id, run_name, artifact_uri, ...) never
 *   re-pairs: there the random values are sort or filter keys, and their order is behaviour.
 *
 * So every other field, the page size, the experiment, the lifecycle stage and the order by any
 * real key are still compared; a run cannot appear twice either (on a later page it is fixed by
 * the first, on one page the pairing stays a bijection and one of its places differs).
 */
import type { Exchange } from './corpus.js';
import { requestText } from './differences.js';
import type { IdMapper } from './idMapper.js';

type Json = unknown;

/** Search requests naming these compare the random values themselves: no re-pairing there. */
const IDENTITY_FIELDS = /run_?(?:id|uuid|name)|artifact_uri/i;
const RUN_CREATE = /^(?:\/[^/?]+)*?\/(?:api|ajax-api)\/2\.0\/mlflow\/runs\/create(?:\?|$)/;

interface Member {
  /** The class: what the creation looked like with the run's own id and name blanked out. */
  readonly key: string;
  /** The recorded generated run name, when it is mapped to ours (it moves with the run id). */
  readonly name: string | undefined;
}

export class InterchangeableRuns {
  /** Recorded run id -> its class, for runs nothing has told apart yet. */
  private readonly members = new Map<string, Member>();

  /** Before judging: a run the recorded request names is no longer interchangeable. */
  noteRequest(exchange: Exchange): void {
    const text = requestText(exchange);
    this.forgetWhere((id, m) => text.includes(id) || (m.name !== undefined && text.includes(m.name)));
  }

  /**
   * After judging: a matched runs/create enrols its run; any other answer fixes the runs it shows
   * (on either side, whether or not it matched).
   */
  noteAnswer(exchange: Exchange, oursText: string, matched: boolean, mapper: IdMapper): void {
    if (matched && exchange.method === 'POST' && RUN_CREATE.test(exchange.path) && exchange.status === 200) {
      this.enrol(exchange, parseJson(oursText), mapper);
      return;
    }
    const recordedText = exchange.res.json !== undefined ? JSON.stringify(exchange.res.json) : (exchange.res.text ?? '');
    this.forgetWhere((id, m) => {
      const ourName = m.name === undefined ? undefined : mapper.toOurs('runName', m.name);
      return (
        recordedText.includes(id) ||
        oursText.includes(mapper.toOurs('run', id)) ||
        (m.name !== undefined && recordedText.includes(m.name)) ||
        (ourName !== undefined && oursText.includes(ourName))
      );
    });
  }

  /**
   * Re-pairs interchangeable runs so our `runs` array shows, position by position, the recorded
   * runs. Returns the undo, or undefined when nothing was swapped. Both bodies are raw (our ids).
   */
  repair(exchange: Exchange, recorded: Json, ours: Json, mapper: IdMapper): (() => void) | undefined {
    if (IDENTITY_FIELDS.test(requestText(exchange))) return undefined;
    const wanted = runIds(recorded);
    const shown = runIds(ours);
    if (!wanted || !shown) return undefined;
    const swaps: [string, string][] = [];
    // Each swap pairs position i and touches no run an earlier position paired, unless our answer
    // shows one run twice: the mapping stays a bijection, so that run ends up paired with its
    // last place and the earlier one still differs.
    for (let i = 0; i < Math.min(wanted.length, shown.length); i++) {
      const want = wanted[i];
      const ourId = shown[i];
      if (want === undefined || ourId === undefined) continue;
      const has = mapper.toRecorded('run', ourId);
      if (has !== want && this.sameClass(want, has)) {
        this.swap(want, has, mapper);
        swaps.push([want, has]);
      }
    }
    if (swaps.length === 0) return undefined;
    // A swap is its own inverse: undoing replays them backwards.
    return () => swaps.reverse().forEach(([a, b]) => this.swap(a, b, mapper));
  }

  /** Recorded ids of the runs still interchangeable, by class (a run alone in its class is left out). */
  classes(): string[][] {
    const byKey = new Map<string, string[]>();
    for (const [id, m] of this.members) byKey.set(m.key, [...(byKey.get(m.key) ?? []), id]);
    return [...byKey.values()].filter((ids) => ids.length > 1);
  }

  private enrol(exchange: Exchange, ours: Json, mapper: IdMapper): void {
    const recorded = runInfo(exchange.res.json);
    const mine = runInfo(ours);
    if (!recorded || !mine || mapper.toOurs('run', recorded.id) !== mine.id) return;
    const named = recorded.name !== undefined && mapper.isBound('runName', recorded.name) && mapper.toOurs('runName', recorded.name) === mine.name;
    const key = [
      exchange.method,
      requestText(exchange),
      blank(JSON.stringify(exchange.res.json), recorded.id, named ? recorded.name : undefined),
      blank(JSON.stringify(ours), mine.id, named ? mine.name : undefined),
    ].join('\n');
    this.members.set(recorded.id, { key, name: named ? recorded.name : undefined });
  }

  private sameClass(a: string, b: string): boolean {
    const ma = this.members.get(a);
    const mb = this.members.get(b);
    return ma !== undefined && mb !== undefined && a !== b && ma.key === mb.key;
  }

  /** Run ids and their generated names move together, so names in later requests follow. */
  private swap(a: string, b: string, mapper: IdMapper): void {
    mapper.swap('run', a, b);
    const nameA = this.members.get(a)?.name;
    const nameB = this.members.get(b)?.name;
    if (nameA !== undefined && nameB !== undefined) mapper.swap('runName', nameA, nameB);
  }

  private forgetWhere(test: (id: string, m: Member) => boolean): void {
    for (const [id, m] of this.members) if (test(id, m)) this.members.delete(id);
  }
}

function blank(text: string, id: string, name: string | undefined): string {
  const out = text.replaceAll(id, '<run id>');
  return name === undefined ? out : out.replaceAll(name, '<run name>');
}

function runInfo(body: Json): { id: string; name: string | undefined } | undefined {
  const info = field(field(body, 'run'), 'info');
  const id = field(info, 'run_id');
  const name = field(info, 'run_name');
  return typeof id === 'string' ? { id, name: typeof name === 'string' ? name : undefined } : undefined;
}

/** `runs[i].info.run_id` of a search answer, or undefined when the body has no `runs` array. */
function runIds(body: Json): (string | undefined)[] | undefined {
  const runs = field(body, 'runs');
  if (!Array.isArray(runs)) return undefined;
  return runs.map((r) => {
    const id = field(field(r, 'info'), 'run_id');
    return typeof id === 'string' ? id : undefined;
  });
}

function field(v: Json, key: string): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>)[key] : undefined;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}
