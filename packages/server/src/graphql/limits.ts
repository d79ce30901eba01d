/**
 * Cost limits MLflow's /graphql lacks (security checklist item 8). MLflow executes any query
 * Graphene accepts, so aliases (`a1: mlflowGetRun(...) a2: mlflowGetRun(...) ...`), fragment
 * fan-out and recursive introspection (`ofType { ofType { ... } }`) cost the server as much as
 * the client likes. Checked on the parsed document *before* validation, because validation
 * itself is superlinear in the number of fields (overlapping-fields rule).
 *
 * The limits are generous for real use: the deepest MLflow data path is 6 fields
 * (mlflowGetRun.run.inputs.datasetInputs.dataset.name), and graphql-js's full introspection
 * query (every option on) has depth 15, 229 fields once fragments are expanded and about 200
 * tokens. Introspection stays enabled, as in MLflow; its cyclic meta-schema (__Type.fields ->
 * __Field.type -> __Type) is bounded by graphql-js's own MaxIntrospectionDepthRule, part of
 * the validation rules since graphql-js 16.9 (graphql-core 3.2, MLflow's engine, lacks it).
 */
import { Kind } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';

export const GRAPHQL_LIMITS = {
  /** Characters of the query text. */
  maxQueryChars: 20_000,
  /** Lexer tokens (the parser stops past this). */
  maxTokens: 4_000,
  /** Nesting of field selections, fragments expanded. */
  maxDepth: 20,
  /** Field selections of all operations, every alias and every fragment use counted. */
  maxFields: 1_000,
  /**
   * Top-level fields of one operation (aliases included): each one that names an MLflow
   * query reads the store, up to three times for mlflowGetRun (run, experiment, versions).
   */
  maxRootFields: 30,
} as const;

interface Cost {
  depth: number;
  fields: number;
  /** Fields directly in this selection set (spreads and inline fragments flattened). */
  top: number;
}

const ZERO: Cost = { depth: 0, fields: 0, top: 0 };

/**
 * Measures selection sets with fragments expanded. Fragment costs are memoised, so a chain
 * of fragments each spreading the next one twice is measured in linear time even though its
 * expansion is exponential (the totals then exceed the limits, as they should). Spreads of
 * unknown or cyclic fragments count as nothing here; validation reports them afterwards.
 */
class CostMeter {
  private readonly memo = new Map<string, Cost>();
  private readonly visiting = new Set<string>();

  constructor(private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>) {}

  measure(set: SelectionSetNode | undefined): Cost {
    if (!set) return ZERO;
    let depth = 0;
    let fields = 0;
    let top = 0;
    for (const selection of set.selections) {
      let inner: Cost;
      if (selection.kind === Kind.FIELD) {
        const child = this.measure(selection.selectionSet);
        inner = { depth: child.depth + 1, fields: child.fields + 1, top: 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.measure(selection.selectionSet);
      } else {
        inner = this.fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      fields += inner.fields;
      top += inner.top;
    }
    return { depth, fields, top };
  }

  measured(fragment: string): boolean {
    return this.memo.has(fragment);
  }

  private fragment(name: string): Cost {
    const known = this.memo.get(name);
    if (known) return known;
    const definition = this.fragments.get(name);
    if (!definition || this.visiting.has(name)) return ZERO;
    this.visiting.add(name);
    const cost = this.measure(definition.selectionSet);
    this.visiting.delete(name);
    this.memo.set(name, cost);
    return cost;
  }
}

/** The limit violations of a parsed document (empty when it may be validated and run). */
export function checkCostLimits(document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const meter = new CostMeter(fragments);
  let depth = 0;
  let fields = 0;
  let rootFields = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const cost = meter.measure(definition.selectionSet);
    depth = Math.max(depth, cost.depth);
    fields += cost.fields;
    rootFields = Math.max(rootFields, cost.top);
  }
  // fragments no operation uses are still validated, so their fields count as well
  for (const [name, fragment] of fragments) if (!meter.measured(name)) fields += meter.measure(fragment.selectionSet).fields;
  const problems: string[] = [];
  const { maxDepth, maxFields, maxRootFields } = GRAPHQL_LIMITS;
  if (depth > maxDepth) problems.push(`Query is too deep: ${depth} levels of nested fields, the limit is ${maxDepth}.`);
  if (fields > maxFields) problems.push(`Query selects too many fields: ${show(fields)}, the limit is ${maxFields}.`);
  if (rootFields > maxRootFields) {
    problems.push(`Query has too many top-level fields: ${show(rootFields)} (aliases count), the limit is ${maxRootFields}.`);
  }
  return problems;
}

/** Expanded counts can be astronomically large (or Infinity); say so without printing 1e+300. */
function show(n: number): string {
  return n > 1e9 ? 'more than 1000000000' : String(n);
}
