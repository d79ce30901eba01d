/**
 * The object, enum and input types of MLflow 2.12.2's Graphene schema, with Graphene's names
 * (`Mlflow<Message>`, camelCase fields) in its field order, so introspection matches.
 *
 * Sources are the REST presenters' wire objects (snake_case, unset fields omitted). MLflow's
 * resolvers hand Graphene protobuf messages, and reading an unset proto2 field yields its
 * default rather than null, so an unset string reads "", an int64 "0", a list [] and a message
 * an empty message; the `read*` helpers below reproduce that.
 */
import {
  GraphQLEnumType,
  GraphQLError,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
} from 'graphql';
import type { GraphQLFieldConfig, GraphQLOutputType } from 'graphql';
import { LongString } from './scalars.js';

type Source = Record<string, unknown>;
type Field = GraphQLFieldConfig<Source, unknown>;

function read(type: GraphQLOutputType, key: string, fallback: unknown): Field {
  return { type, resolve: (source) => source[key] ?? fallback };
}

const readString = (key: string): Field => read(GraphQLString, key, '');
const readLong = (key: string): Field => read(LongString, key, 0);
const readMessage = (type: GraphQLObjectType, key: string): Field => read(type, key, {});
const readList = (type: GraphQLObjectType, key: string): Field => read(new GraphQLList(new GraphQLNonNull(type)), key, []);

/** Wire doubles carry NaN and infinities as strings; Float cannot represent them. */
const NON_FINITE: Readonly<Record<string, string>> = { NaN: 'nan', Infinity: 'inf', '-Infinity': '-inf' };

const readDouble = (key: string): Field => ({
  type: GraphQLFloat,
  resolve: (source) => {
    const value = source[key] ?? 0;
    const pythonName = typeof value === 'string' ? NON_FINITE[value] : undefined;
    // graphql-core's wording (Python float names), so the error reads as MLflow's does
    if (pythonName) throw new GraphQLError(`Float cannot represent non numeric value: ${pythonName}`);
    return value;
  },
});

function keyValueType(name: string): GraphQLObjectType {
  return new GraphQLObjectType({ name, fields: { key: readString('key'), value: readString('value') } });
}

/** Graphene enums of the proto enums; proto2's default for an unset enum is its first value. */
function protoEnum(name: string, values: readonly string[]): { type: GraphQLEnumType; read: (key: string) => Field } {
  const type = new GraphQLEnumType({ name, values: Object.fromEntries(values.map((v) => [v, { value: v }])) });
  return { type, read: (key) => read(type, key, values[0]) };
}

const runStatus = protoEnum('MlflowRunStatus', ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
const modelVersionStatus = protoEnum('MlflowModelVersionStatus', ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']);

export const MlflowModelVersion = new GraphQLObjectType({
  name: 'MlflowModelVersion',
  fields: {
    name: readString('name'),
    version: readString('version'),
    creationTimestamp: readLong('creation_timestamp'),
    lastUpdatedTimestamp: readLong('last_updated_timestamp'),
    userId: readString('user_id'),
    currentStage: readString('current_stage'),
    description: readString('description'),
    source: readString('source'),
    runId: readString('run_id'),
    status: modelVersionStatus.read('status'),
    statusMessage: readString('status_message'),
    tags: readList(keyValueType('MlflowModelVersionTag'), 'tags'),
    runLink: readString('run_link'),
    aliases: read(new GraphQLList(GraphQLString), 'aliases', []),
  },
});

export const MlflowSearchModelVersionsResponse = new GraphQLObjectType({
  name: 'MlflowSearchModelVersionsResponse',
  fields: {
    modelVersions: readList(MlflowModelVersion, 'model_versions'),
    nextPageToken: readString('next_page_token'),
  },
});

const MlflowDataset = new GraphQLObjectType({
  name: 'MlflowDataset',
  fields: {
    name: readString('name'),
    digest: readString('digest'),
    sourceType: readString('source_type'),
    source: readString('source'),
    schema: readString('schema'),
    profile: readString('profile'),
  },
});

const MlflowDatasetInput = new GraphQLObjectType({
  name: 'MlflowDatasetInput',
  fields: { tags: readList(keyValueType('MlflowInputTag'), 'tags'), dataset: readMessage(MlflowDataset, 'dataset') },
});

const MlflowRunInputs = new GraphQLObjectType({
  name: 'MlflowRunInputs',
  fields: { datasetInputs: readList(MlflowDatasetInput, 'dataset_inputs') },
});

const MlflowMetric = new GraphQLObjectType({
  name: 'MlflowMetric',
  fields: { key: readString('key'), value: readDouble('value'), timestamp: readLong('timestamp'), step: readLong('step') },
});

const MlflowRunData = new GraphQLObjectType({
  name: 'MlflowRunData',
  fields: {
    metrics: readList(MlflowMetric, 'metrics'),
    params: readList(keyValueType('MlflowParam'), 'params'),
    tags: readList(keyValueType('MlflowRunTag'), 'tags'),
  },
});

export const MlflowRunInfo = new GraphQLObjectType({
  name: 'MlflowRunInfo',
  fields: {
    runId: readString('run_id'),
    runUuid: readString('run_uuid'),
    runName: readString('run_name'),
    experimentId: readString('experiment_id'),
    userId: readString('user_id'),
    status: runStatus.read('status'),
    startTime: readLong('start_time'),
    endTime: readLong('end_time'),
    artifactUri: readString('artifact_uri'),
    lifecycleStage: readString('lifecycle_stage'),
  },
});

export const MlflowExperiment = new GraphQLObjectType({
  name: 'MlflowExperiment',
  fields: {
    experimentId: readString('experiment_id'),
    name: readString('name'),
    artifactLocation: readString('artifact_location'),
    lifecycleStage: readString('lifecycle_stage'),
    lastUpdateTime: readLong('last_update_time'),
    creationTime: readLong('creation_time'),
    tags: readList(keyValueType('MlflowExperimentTag'), 'tags'),
  },
});

export const MlflowGetExperimentResponse = new GraphQLObjectType({
  name: 'MlflowGetExperimentResponse',
  fields: { experiment: readMessage(MlflowExperiment, 'experiment') },
});

/** The fields of MLflow's `MlflowRun`; schema.ts adds the `experiment` and `modelVersions` extension. */
export const runFields = {
  info: readMessage(MlflowRunInfo, 'info'),
  data: readMessage(MlflowRunData, 'data'),
  inputs: readMessage(MlflowRunInputs, 'inputs'),
};

export const MlflowGetExperimentInput = new GraphQLInputObjectType({
  name: 'MlflowGetExperimentInput',
  fields: { experimentId: { type: GraphQLString } },
});

export const MlflowGetRunInput = new GraphQLInputObjectType({
  name: 'MlflowGetRunInput',
  fields: { runId: { type: GraphQLString }, runUuid: { type: GraphQLString } },
});

export const MlflowSearchModelVersionsInput = new GraphQLInputObjectType({
  name: 'MlflowSearchModelVersionsInput',
  fields: {
    filter: { type: GraphQLString },
    maxResults: { type: LongString },
    orderBy: { type: new GraphQLList(GraphQLString) },
    pageToken: { type: GraphQLString },
  },
});

/** The echo types of MLflow's schema extensions (plain objects there, so unset reads as null). */
function echoType(name: string): GraphQLObjectType {
  return new GraphQLObjectType({ name, fields: { output: { type: GraphQLString, description: 'Echoes the input string' } } });
}

export const Test = echoType('Test');
export const TestMutation = echoType('TestMutation');
