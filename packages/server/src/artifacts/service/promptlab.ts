/**
 * `create-promptlab-run` (MLflow's `_create_promptlab_run_impl`): a run with the prompt's
 * parameters, the PROMPT_ENGINEERING tags, a logged model record at `model`, and the files MLflow
 * writes (`model/` as `mlflow.promptlab.save_model` lays it out, and `eval_results_table.json`),
 * then FINISHED, or FAILED when anything after the run's creation went wrong.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MlflowError } from '@darwin-mlflow/contract';
import type { CreatePromptlabRunRequest, Int64 } from '@darwin-mlflow/contract';
import { pyJsonDumps } from '../../http/pyjson.js';
import { pyStr } from '../../http/pyrepr.js';
import type { Run } from '../../tracking/entities.js';
import type { RunService } from '../../tracking/service/runs.js';
import type { ArtifactService } from './artifacts.js';
import { toYaml } from './yaml.js';

const MLFLOW_VERSION = '2.12.2';
/** The Python of the original Darwin MLflow image (python:3.9.7); recorded in the model's env files. */
const PYTHON_VERSION = '3.9.7';

interface KeyValue {
  key: string;
  value: string;
}

export class PromptlabService {
  constructor(
    private readonly runs: RunService,
    private readonly artifacts: ArtifactService,
  ) {}

  /** `body` is the parsed JSON request; checks and messages are MLflow's, in its order. */
  async createPromptlabRun(body: Record<string, unknown>): Promise<Run> {
    const req = checkRequest(body);
    const run = await this.runs.createRun({
      experiment_id: req.experiment_id,
      user_id: req.user_id ?? 'unknown',
      run_name: req.run_name,
      start_time: req.start_time ?? Date.now(),
      tags: (req.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
    });
    const runId = run.info.run_id;
    let status: 'FINISHED' | 'FAILED' = 'FINISHED';
    try {
      await this.record(runId, req);
    } catch {
      status = 'FAILED';
    }
    await this.runs.updateRun(runId, status, Date.now(), req.run_name);
    return this.runs.getRun(runId);
  }

  private async record(runId: string, req: CreatePromptlabRunRequest): Promise<void> {
    const promptParameters = params(req.prompt_parameters);
    const modelParameters = params(req.model_parameters ?? []);
    const outputParameters = params(req.model_output_parameters ?? []);
    await this.runs.logBatch({
      run_id: runId,
      metrics: [],
      params: [...modelParameters, { key: 'model_route', value: req.model_route }, { key: 'prompt_template', value: req.prompt_template }],
      tags: [
        { key: 'mlflow.loggedArtifacts', value: pyJsonDumps([{ path: 'eval_results_table.json', type: 'table' }]) },
        { key: 'mlflow.runSourceType', value: 'PROMPT_ENGINEERING' },
      ],
    });
    const model = {
      run_id: runId,
      artifact_path: 'model',
      utc_time_created: utcTimeCreated(),
      flavors: {},
      model_uuid: randomUUID().replace(/-/g, ''),
      mlflow_version: MLFLOW_VERSION,
    };
    await this.runs.logModel(runId, JSON.stringify(model));
    const files = promptlabFiles(model, req, promptParameters, modelParameters, outputParameters);
    for (const [name, content] of Object.entries(files)) {
      await this.artifacts.writeRunArtifact(runId, name, Readable.from([Buffer.from(content, 'utf8')]));
    }
  }
}

function checkRequest(body: Record<string, unknown>): CreatePromptlabRunRequest {
  for (const name of ['experiment_id', 'prompt_template', 'prompt_parameters', 'model_route', 'model_input', 'mlflow_version']) {
    const v = body[name];
    if (v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0)) {
      throw MlflowError.invalidParameter(`CreatePromptlabRun request must specify ${name}.`);
    }
  }
  for (const name of ['prompt_parameters', 'model_parameters', 'model_output_parameters', 'tags']) {
    const v = body[name];
    if (v !== undefined && (!Array.isArray(v) || v.some((p) => typeof p !== 'object' || p === null || Array.isArray(p)))) {
      throw MlflowError.invalidParameter(`CreatePromptlabRun request field ${name} must be a list of {"key", "value"} objects.`);
    }
  }
  const start = body.start_time;
  if (start !== undefined && (typeof start !== 'number' || !Number.isSafeInteger(start))) {
    throw MlflowError.invalidParameter('CreatePromptlabRun request field start_time must be an integer (milliseconds).');
  }
  const text = (name: string): string | undefined => (body[name] === undefined || body[name] === null ? undefined : pyStr(body[name]));
  return {
    experiment_id: text('experiment_id') as string,
    run_name: text('run_name'),
    tags: body.tags === undefined ? undefined : params(body.tags as KeyValue[]),
    prompt_template: text('prompt_template') as string,
    prompt_parameters: params(body.prompt_parameters as KeyValue[]),
    model_route: text('model_route') as string,
    model_parameters: body.model_parameters === undefined ? undefined : params(body.model_parameters as KeyValue[]),
    model_input: text('model_input') as string,
    model_output: text('model_output'),
    model_output_parameters: body.model_output_parameters === undefined ? undefined : params(body.model_output_parameters as KeyValue[]),
    mlflow_version: text('mlflow_version') as string,
    user_id: text('user_id'),
    start_time: start as Int64 | undefined,
  };
}

/** Param(key, str(value)) as MLflow builds them. */
function params(list: readonly { key?: unknown; value?: unknown }[]): KeyValue[] {
  return list.map((p) => ({ key: pyStr(p.key), value: pyStr(p.value) }));
}

/** datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f") */
function utcTimeCreated(): string {
  const iso = new Date().toISOString(); // 2026-11-26T04:20:17.598Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

type Model = { run_id: string; artifact_path: string; utc_time_created: string; model_uuid: string; mlflow_version: string };

/** The run's files, by run-relative path. */
function promptlabFiles(
  model: Model,
  req: CreatePromptlabRunRequest,
  promptParameters: KeyValue[],
  modelParameters: KeyValue[],
  outputParameters: KeyValue[],
): Record<string, string> {
  const requirement = `mlflow[gateway]==${MLFLOW_VERSION}`;
  const colspec = (name: string) => ({ type: 'string', name, required: true });
  const mlmodel = {
    artifact_path: model.artifact_path,
    flavors: {
      python_function: {
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
        loader_module: 'mlflow.promptlab',
        parameters_path: 'parameters.yaml',
        python_version: PYTHON_VERSION,
      },
    },
    mlflow_version: model.mlflow_version,
    model_uuid: model.model_uuid,
    run_id: model.run_id,
    saved_input_example_info: { artifact_path: 'input_example.json', pandas_orient: 'split', type: 'dataframe' },
    signature: {
      inputs: pyJsonDumps(promptParameters.map((p) => colspec(p.key))),
      outputs: pyJsonDumps([colspec('output')]),
      params: null,
    },
    utc_time_created: model.utc_time_created,
  };
  const parameters = {
    model_parameters: Object.fromEntries(modelParameters.map((p) => [p.key, p.value])),
    model_route: req.model_route,
    prompt_parameters: Object.fromEntries(promptParameters.map((p) => [p.key, p.value])),
    prompt_template: req.prompt_template,
  };
  const evalColumns = [...promptParameters.map((p) => p.key), 'prompt', 'output', ...outputParameters.map((p) => p.key)];
  const evalData = [...promptParameters.map((p) => p.value), req.model_input, req.model_output ?? null, ...outputParameters.map((p) => p.value)];
  return {
    'model/MLmodel': toYaml(mlmodel),
    'model/parameters.yaml': toYaml(parameters),
    'model/input_example.json': pyJsonDumps({ columns: ['inputs'], data: promptParameters.map((p) => [p.value]) }),
    'model/conda.yaml': toYaml({
      channels: ['conda-forge'],
      dependencies: [`python=${PYTHON_VERSION}`, 'pip<=23.0.1', { pip: [requirement] }],
      name: 'mlflow-env',
    }),
    'model/python_env.yaml': toYaml({
      build_dependencies: ['pip==23.0.1', 'setuptools==58.1.0', 'wheel==0.37.1'],
      dependencies: ['-r requirements.txt'],
      python: PYTHON_VERSION,
    }),
    'model/requirements.txt': requirement,
    'eval_results_table.json': pyJsonDumps({ columns: evalColumns, data: [evalData] }),
  };
}
