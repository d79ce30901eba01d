import type { MessageType } from './proto.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One check of a handler's request "schema", in MLflow's order. The first seven are MLflow's
 * type validators: MLflow runs them only when proto parsing failed, and so do we.
 */
export type Check =
  | 'required'
  | 'string'
  | 'intlike'
  | 'bool'
  | 'floatlike'
  | 'array'
  | 'itemTypeString'
  /** int(x) <= max */
  | { readonly kind: 'max'; readonly max: number; readonly message?: string }
  /** min <= int(x) <= max */
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly message?: string }
  /** len(x) <= max; `{n}` in the message is replaced by len(x) */
  | { readonly kind: 'maxLength'; readonly max: number; readonly message: string }
  /** every item of the array has these keys with a non-empty value */
  | { readonly kind: 'itemsHave'; readonly keys: readonly string[] };

export const TYPE_CHECKS: ReadonlySet<Check> = new Set<Check>([
  'string',
  'intlike',
  'bool',
  'floatlike',
  'array',
  'itemTypeString',
]);

/** Route families an endpoint is mounted under. */
export type Family = 'api' | 'ajax';

export interface Endpoint<M extends MessageType = MessageType> {
  /** Protocol name, e.g. `createRun`. */
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  /** Path relative to the family root (`/api/2.0` or `/ajax-api/2.0`), e.g. `/mlflow/runs/create`. */
  readonly path: string;
  readonly families: readonly Family[];
  /** Proto request message; decoding follows protobuf JSON rules. */
  readonly request: M;
  /** MLflow handler schema: key -> checks, in MLflow's order. */
  readonly schema: Readonly<Record<string, readonly Check[]>>;
  /**
   * `3.x`: an MLflow 3.x RPC, served only on a database at MLflow 3.x's schema (on a 2.12.2
   * database it answers an error naming `darwin-mlflow db upgrade`).
   */
  readonly since?: '3.x';
  /** MLflow's `since.major` of the route: 3 mounts it under `/api/3.0` and `/ajax-api/3.0`. Default 2. */
  readonly apiVersion?: 2 | 3;
  /** What an MLflow 2.12.2 RPC reads on a database at MLflow 3.x's schema, where 3.x extended it. */
  readonly v3?: { readonly request: MessageType; readonly schema: Readonly<Record<string, readonly Check[]>> };
}

export function endpoint<M extends MessageType>(
  def: Omit<Endpoint<M>, 'families'> & { families?: readonly Family[] },
): Endpoint<M> {
  return { families: ['api', 'ajax'], ...def };
}
