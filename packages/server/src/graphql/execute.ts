/**
 * Runs one GraphQL request: size and cost limits, parse, validate, execute. The answer has
 * MLflow's shape, `{"data": ..., "errors": [message, ...] | null}`, and a request that got
 * this far is always answered 200, as MLflow does: syntax, validation and limit errors come
 * back with `data: null`, resolver errors with the failed field null.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { execute, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { checkCostLimits, GRAPHQL_LIMITS } from './limits.js';
import type { GraphqlRequest } from './request.js';
import { graphqlSchema } from './schema.js';
import type { GraphqlServices } from './schema.js';

export interface GraphqlResponse {
  data: unknown;
  errors: string[] | null;
}

const INTERNAL_ERROR = 'An internal error occurred while processing the request.';

export async function runGraphql(request: GraphqlRequest, services: GraphqlServices, log: FastifyBaseLogger): Promise<GraphqlResponse> {
  const document = parseDocument(request.query);
  if (!('kind' in document)) return document;
  const limitErrors = checkCostLimits(document);
  if (limitErrors.length > 0) return { data: null, errors: limitErrors };
  const validationErrors = validate(graphqlSchema, document, specifiedRules);
  if (validationErrors.length > 0) return { data: null, errors: validationErrors.map((e) => messageOf(e, log)) };
  const result: ExecutionResult = await execute({
    schema: graphqlSchema,
    document,
    variableValues: request.variables,
    operationName: request.operationName,
    contextValue: services,
  });
  const errors = result.errors?.map((e) => messageOf(e, log));
  return { data: result.data ?? null, errors: errors && errors.length > 0 ? errors : null };
}

function parseDocument(query: string): DocumentNode | GraphqlResponse {
  const { maxQueryChars, maxTokens } = GRAPHQL_LIMITS;
  if (query.length > maxQueryChars) {
    return { data: null, errors: [`Query is too large: ${query.length} characters, the limit is ${maxQueryChars}.`] };
  }
  try {
    return parse(query, { maxTokens });
  } catch (err) {
    if (err instanceof GraphQLError) return { data: null, errors: [pythonQuotes(err.message)] };
    throw err;
  }
}

/**
 * The message MLflow would list for an error. Service errors (MlflowError) keep their text,
 * as Graphene reports `str(exception)`. Errors of the GraphQL engine (and of our own field
 * checks) get graphql-core's quoting. Anything else is a bug or an infrastructure failure: logged, and replaced by a
 * generic message so no driver or SQL text reaches the client (MLflow would show it).
 */
function messageOf(error: GraphQLError, log: FastifyBaseLogger): string {
  const original = error.originalError;
  // no path: a syntax, validation or variable error, about the request itself
  if (error.path === undefined) return pythonQuotes(error.message);
  if (original instanceof MlflowError) {
    if (original.httpStatus >= 500) log.error({ err: original.cause ?? original }, original.message);
    return original.message;
  }
  if (original === undefined || original instanceof GraphQLError) return pythonQuotes(error.message);
  log.error({ err: original, path: error.path }, 'graphql resolver failed');
  return INTERNAL_ERROR;
}

/**
 * graphql-js quotes names and values with `"`, graphql-core (MLflow's engine, a port of it)
 * with `'`: "Cannot query field 'foo' on type 'Query'." Quoted text that itself contains a
 * quote is left alone (Python's repr would switch quotes there too).
 */
export function pythonQuotes(message: string): string {
  return message.replace(/"([^"'\\\n]*)"/g, "'$1'");
}
