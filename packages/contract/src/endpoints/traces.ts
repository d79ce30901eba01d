/**
 * MLflow 3.x's trace RPCs (service.proto at 3.6) that a 3.x client calls, with the handler
 * schemas of mlflow/server/handlers.py. `apiVersion: 3` routes live under `/api/3.0`; the others
 * are MLflow's `since 2.0` routes under `/api/2.0`. Timestamps, durations, maps and assessment
 * values are protobuf well-known types: kept as JSON (`json`) and checked by the trace service.
 */
import { endpoint } from '../endpoint.js';
import { enumType, field, message, repeated } from '../proto.js';

export const TRACE_STATE = enumType('TraceInfoV3.State', { STATE_UNSPECIFIED: 0, OK: 1, ERROR: 2, IN_PROGRESS: 3 });
export const TRACE_LOCATION_TYPE = enumType('TraceLocation.TraceLocationType', {
  TRACE_LOCATION_TYPE_UNSPECIFIED: 0,
  MLFLOW_EXPERIMENT: 1,
  INFERENCE_TABLE: 2,
});

export const TraceLocationMsg = message('TraceLocation', {
  type: field(TRACE_LOCATION_TYPE),
  mlflow_experiment: field(message('TraceLocation.MlflowExperimentLocation', { experiment_id: field('string') })),
  inference_table: field(message('TraceLocation.InferenceTableLocation', { full_table_name: field('string') })),
});

export const AssessmentSourceMsg = message('AssessmentSource', { source_type: field('string'), source_id: field('string') });

export const AssessmentMsg = message('Assessment', {
  assessment_id: field('string'),
  assessment_name: field('string'),
  trace_id: field('string'),
  span_id: field('string'),
  source: field(AssessmentSourceMsg),
  create_time: field('json'),
  last_update_time: field('json'),
  /** `{value, error}` */
  feedback: field('json'),
  /** `{value}` or `{serialized_value}` */
  expectation: field('json'),
  rationale: field('string'),
  metadata: field('json'),
  overrides: field('string'),
  valid: field('bool'),
});

export const TraceInfoV3Msg = message('TraceInfoV3', {
  trace_id: field('string'),
  client_request_id: field('string'),
  trace_location: field(TraceLocationMsg),
  request_preview: field('string'),
  response_preview: field('string'),
  request_time: field('json'),
  execution_duration: field('json'),
  state: field(TRACE_STATE),
  trace_metadata: field('json'),
  assessments: repeated(AssessmentMsg),
  tags: field('json'),
});

const TRACE = '/mlflow/traces/:trace_id';

export const startTraceV3 = endpoint({
  name: 'startTraceV3',
  methods: ['POST'],
  path: '/mlflow/traces',
  apiVersion: 3,
  since: '3.x',
  // spans are not read here: a client sends them to the trace's artifact location (traces.json)
  request: message('StartTraceV3', { trace: field(message('Trace', { trace_info: field(TraceInfoV3Msg) })) }),
  schema: { trace: ['required'] },
});

export const getTraceInfoV3 = endpoint({
  name: 'getTraceInfoV3',
  methods: ['GET'],
  path: TRACE,
  apiVersion: 3,
  since: '3.x',
  request: message('GetTraceInfoV3', { trace_id: field('string') }),
  schema: {},
});

export const batchGetTraces = endpoint({
  name: 'batchGetTraces',
  methods: ['GET'],
  path: '/mlflow/traces/batchGet',
  apiVersion: 3,
  since: '3.x',
  request: message('BatchGetTraces', { trace_ids: repeated('string') }),
  schema: { trace_ids: ['array', 'required', 'itemTypeString'] },
});

export const searchTracesV3 = endpoint({
  name: 'searchTracesV3',
  methods: ['POST'],
  path: '/mlflow/traces/search',
  apiVersion: 3,
  since: '3.x',
  request: message('SearchTracesV3', {
    locations: repeated(TraceLocationMsg),
    filter: field('string'),
    max_results: field('int32'),
    order_by: repeated('string'),
    page_token: field('string'),
  }),
  schema: {
    locations: ['array', 'required'],
    filter: ['string'],
    max_results: ['intlike', { kind: 'max', max: 500 }],
    order_by: ['array', 'itemTypeString'],
    page_token: ['string'],
  },
});

const DeleteTracesFields = {
  experiment_id: field('string'),
  max_timestamp_millis: field('int64'),
  max_traces: field('int32'),
  request_ids: repeated('string'),
} as const;
const DELETE_TRACES_SCHEMA = {
  experiment_id: ['string', 'required'],
  max_timestamp_millis: ['intlike'],
  max_traces: ['intlike'],
  request_ids: ['array', 'itemTypeString'],
} as const;

export const deleteTraces = endpoint({
  name: 'deleteTraces',
  methods: ['POST'],
  path: '/mlflow/traces/delete-traces',
  since: '3.x',
  request: message('DeleteTraces', DeleteTracesFields),
  schema: DELETE_TRACES_SCHEMA,
});

export const deleteTracesV3 = endpoint({
  name: 'deleteTracesV3',
  methods: ['POST'],
  path: '/mlflow/traces/delete-traces',
  apiVersion: 3,
  since: '3.x',
  request: message('DeleteTracesV3', DeleteTracesFields),
  schema: DELETE_TRACES_SCHEMA,
});

const TAG_SCHEMA = { key: ['string', 'required'], value: ['string'] } as const;

export const setTraceTag = endpoint({
  name: 'setTraceTag',
  methods: ['PATCH'],
  path: '/mlflow/traces/:request_id/tags',
  since: '3.x',
  request: message('SetTraceTag', { request_id: field('string'), key: field('string'), value: field('string') }),
  schema: TAG_SCHEMA,
});

export const setTraceTagV3 = endpoint({
  name: 'setTraceTagV3',
  methods: ['PATCH'],
  path: `${TRACE}/tags`,
  apiVersion: 3,
  since: '3.x',
  request: message('SetTraceTagV3', { trace_id: field('string'), key: field('string'), value: field('string') }),
  schema: TAG_SCHEMA,
});

export const deleteTraceTag = endpoint({
  name: 'deleteTraceTag',
  methods: ['DELETE'],
  path: '/mlflow/traces/:request_id/tags',
  since: '3.x',
  request: message('DeleteTraceTag', { request_id: field('string'), key: field('string') }),
  schema: { key: ['string', 'required'] },
});

export const deleteTraceTagV3 = endpoint({
  name: 'deleteTraceTagV3',
  methods: ['DELETE'],
  path: `${TRACE}/tags`,
  apiVersion: 3,
  since: '3.x',
  request: message('DeleteTraceTagV3', { trace_id: field('string'), key: field('string') }),
  schema: { key: ['string', 'required'] },
});

export const linkTracesToRun = endpoint({
  name: 'linkTracesToRun',
  methods: ['POST'],
  path: '/mlflow/traces/link-to-run',
  since: '3.x',
  request: message('LinkTracesToRun', { trace_ids: repeated('string'), run_id: field('string') }),
  schema: { trace_ids: ['array', 'required', 'itemTypeString'], run_id: ['string', 'required'] },
});

export const createAssessment = endpoint({
  name: 'createAssessment',
  methods: ['POST'],
  path: `${TRACE}/assessments`,
  apiVersion: 3,
  since: '3.x',
  request: message('CreateAssessment', { trace_id: field('string'), assessment: field(AssessmentMsg) }),
  schema: { assessment: ['required'] },
});

const ASSESSMENT = `${TRACE}/assessments/:assessment_id`;

export const getAssessment = endpoint({
  name: 'getAssessment',
  methods: ['GET'],
  path: ASSESSMENT,
  apiVersion: 3,
  since: '3.x',
  request: message('GetAssessmentRequest', { trace_id: field('string'), assessment_id: field('string') }),
  schema: {},
});

export const updateAssessment = endpoint({
  name: 'updateAssessment',
  methods: ['PATCH'],
  path: ASSESSMENT,
  apiVersion: 3,
  since: '3.x',
  request: message('UpdateAssessment', {
    trace_id: field('string'),
    assessment_id: field('string'),
    assessment: field(AssessmentMsg),
    /** google.protobuf.FieldMask: `"assessmentName,feedback"` in JSON */
    update_mask: field('json'),
  }),
  schema: { assessment: ['required'], update_mask: ['required'] },
});

export const deleteAssessment = endpoint({
  name: 'deleteAssessment',
  methods: ['DELETE'],
  path: ASSESSMENT,
  apiVersion: 3,
  since: '3.x',
  request: message('DeleteAssessment', { trace_id: field('string'), assessment_id: field('string') }),
  schema: {},
});

/** GetTrace: the trace with its spans (MLflow answers it for spans in the tracking store). */
export const getTrace = endpoint({
  name: 'getTrace',
  methods: ['GET'],
  path: '/mlflow/traces/get',
  apiVersion: 3,
  since: '3.x',
  request: message('GetTrace', { trace_id: field('string'), allow_partial: field('bool') }),
  schema: { trace_id: ['string', 'required'], allow_partial: ['bool'] },
});

export const calculateTraceFilterCorrelation = endpoint({
  name: 'calculateTraceFilterCorrelation',
  methods: ['POST'],
  path: '/mlflow/traces/calculate-filter-correlation',
  apiVersion: 3,
  since: '3.x',
  request: message('CalculateTraceFilterCorrelation', {
    experiment_ids: repeated('string'),
    filter_string1: field('string'),
    filter_string2: field('string'),
    base_filter: field('string'),
  }),
  schema: {
    experiment_ids: ['array', 'required', 'itemTypeString'],
    filter_string1: ['string', 'required'],
    filter_string2: ['string', 'required'],
    base_filter: ['string'],
  },
});

// MLflow 3.x's deprecated 2.x trace RPCs (TraceInfo v2: request_id, timestamp_ms, status, ...)

export const TRACE_STATUS = enumType('TraceStatus', { TRACE_STATUS_UNSPECIFIED: 0, OK: 1, ERROR: 2, IN_PROGRESS: 3 });
const TraceRequestMetadataMsg = message('TraceRequestMetadata', { key: field('string'), value: field('string') });
const TraceTagMsg = message('TraceTag', { key: field('string'), value: field('string') });
const KEY_VALUES = ['array', { kind: 'itemsHave', keys: ['key'] }] as const;

export const startTrace = endpoint({
  name: 'startTrace',
  methods: ['POST'],
  path: '/mlflow/traces',
  since: '3.x',
  request: message('StartTrace', {
    experiment_id: field('string'),
    timestamp_ms: field('int64'),
    request_metadata: repeated(TraceRequestMetadataMsg),
    tags: repeated(TraceTagMsg),
  }),
  schema: { experiment_id: ['string'], timestamp_ms: ['intlike'], request_metadata: KEY_VALUES, tags: KEY_VALUES },
});

export const endTrace = endpoint({
  name: 'endTrace',
  methods: ['PATCH'],
  path: '/mlflow/traces/:request_id',
  since: '3.x',
  request: message('EndTrace', {
    request_id: field('string'),
    timestamp_ms: field('int64'),
    status: field(TRACE_STATUS),
    request_metadata: repeated(TraceRequestMetadataMsg),
    tags: repeated(TraceTagMsg),
  }),
  schema: { timestamp_ms: ['intlike'], status: ['string'], request_metadata: KEY_VALUES, tags: KEY_VALUES },
});

export const getTraceInfo = endpoint({
  name: 'getTraceInfo',
  methods: ['GET'],
  path: '/mlflow/traces/:request_id/info',
  since: '3.x',
  request: message('GetTraceInfo', { request_id: field('string') }),
  schema: {},
});

export const searchTraces = endpoint({
  name: 'searchTraces',
  methods: ['GET'],
  path: '/mlflow/traces',
  since: '3.x',
  request: message('SearchTraces', {
    experiment_ids: repeated('string'),
    filter: field('string'),
    max_results: field('int32'),
    order_by: repeated('string'),
    page_token: field('string'),
  }),
  schema: {
    experiment_ids: ['array', 'itemTypeString', 'required'],
    filter: ['string'],
    max_results: ['intlike', { kind: 'max', max: 500 }],
    order_by: ['array', 'itemTypeString'],
    page_token: ['string'],
  },
});

export const TRACE_ENDPOINTS = [
  startTraceV3,
  getTraceInfoV3,
  batchGetTraces,
  searchTracesV3,
  deleteTraces,
  deleteTracesV3,
  setTraceTag,
  setTraceTagV3,
  deleteTraceTag,
  deleteTraceTagV3,
  linkTracesToRun,
  createAssessment,
  getAssessment,
  updateAssessment,
  deleteAssessment,
  getTrace,
  calculateTraceFilterCorrelation,
  startTrace,
  endTrace,
  getTraceInfo,
  searchTraces,
] as const;
