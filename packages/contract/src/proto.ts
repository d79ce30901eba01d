/**
 * A small description language for MLflow's protobuf request/response messages.
 * The server decodes requests with it (proto JSON rules) and the SDK types its calls with it.
 */

/** int64 values: a number when it fits in 2^53, else a bigint (full precision end to end). */
export type Int64 = number | bigint;

/**
 * `json`: a protobuf well-known type (Timestamp, Duration, Value, a map) kept as the JSON value
 * the client sent; the service that reads it checks its shape.
 */
export type ScalarKind = 'string' | 'int64' | 'int32' | 'double' | 'bool' | 'json';

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
}

export interface MessageType<F extends Fields = Fields> {
  readonly kind: 'message';
  readonly name: string;
  readonly fields: F;
}

export type FieldType = ScalarKind | EnumType | MessageType;

export interface FieldDef<T extends FieldType = FieldType, R extends boolean = boolean> {
  readonly type: T;
  readonly repeated: R;
}

export type Fields = Readonly<Record<string, FieldDef>>;

export function enumType<V extends Record<string, number>>(name: string, values: V): EnumType {
  return { kind: 'enum', name, values };
}

export function message<F extends Fields>(name: string, fields: F): MessageType<F> {
  return { kind: 'message', name, fields };
}

export function field<T extends FieldType>(type: T): FieldDef<T, false> {
  return { type, repeated: false };
}

export function repeated<T extends FieldType>(type: T): FieldDef<T, true> {
  return { type, repeated: true };
}

type ScalarTs<K> = K extends 'string'
  ? string
  : K extends 'int64'
    ? Int64
    : K extends 'int32' | 'double'
      ? number
      : K extends 'bool'
        ? boolean
        : K extends 'json'
          ? unknown
          : never;

type FieldTs<T> = T extends ScalarKind
  ? ScalarTs<T>
  : T extends EnumType
    ? string
    : T extends MessageType<infer F>
      ? Decoded<F>
      : never;

type RepeatedKeys<F extends Fields> = { [K in keyof F]: F[K]['repeated'] extends true ? K : never }[keyof F];
type SingularKeys<F extends Fields> = Exclude<keyof F, RepeatedKeys<F>>;

/**
 * What a decoded message looks like: singular fields are optional (absent = unset, like
 * protobuf's HasField), repeated fields are always arrays.
 */
export type Decoded<F extends Fields> = {
  -readonly [K in SingularKeys<F>]?: FieldTs<F[K]['type']>;
} & {
  -readonly [K in RepeatedKeys<F>]: FieldTs<F[K]['type']>[];
};

export type DecodedMessage<M> = M extends MessageType<infer F> ? Decoded<F> : never;
