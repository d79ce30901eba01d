/**
 * MLflow's `LongString` scalar: int64 proto fields travel as decimal strings so JavaScript
 * clients never lose precision past 2^53. Output is `str(value)` as in MLflow; input accepts
 * integers only (see parseInteger for where we are stricter than MLflow).
 */
import { GraphQLScalarType, Kind, print } from 'graphql';
import type { ValueNode } from 'graphql';
import type { Int64 } from '@darwin-mlflow/contract';

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * A decimal integer as number, or bigint beyond 2^53. MLflow runs Python's `int()` on
 * variables and silently ignores non-integer literals (`maxResults: "5"` and `maxResults: 1.5`
 * both fall back to the default page size); we accept integer numbers and digit strings in
 * both places and reject everything else with a message that names the value.
 */
function parseInteger(value: unknown): Int64 {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    const big = BigInt(value.trim());
    const small = Number(big);
    return Number.isSafeInteger(small) ? small : big;
  }
  // a plain Error: graphql-js then prefixes "Expected type 'LongString'.", as graphql-core does for MLflow
  throw new TypeError(`${JSON.stringify(value) ?? String(value)} is not an integer.`);
}

function parseLiteral(node: ValueNode): Int64 {
  if (node.kind === Kind.INT || node.kind === Kind.STRING) return parseInteger(node.value);
  throw new TypeError(`${print(node)} is not an integer.`);
}

export const LongString = new GraphQLScalarType<Int64, string>({
  name: 'LongString',
  // Graphene takes the class docstring, not the `description` attribute, as MLflow's introspection shows.
  description: 'LongString Scalar type to prevent truncation to max integer in JavaScript.',
  serialize: (value) => String(value as Int64),
  parseValue: parseInteger,
  parseLiteral,
});
