/**
 * The only place registry entities become wire JSON, following the entities' `to_proto` in
 * MLflow 2.12.2: a model's description only when non-empty, a version's whenever not NULL;
 * `run_id` and `run_link` as stored; `storage_location` never shown (`user_id` only if some other tool stored one).
 */
import type * as wire from '@darwin-mlflow/contract';
import { nonEmpty } from '../tracking/presenters.js';
import type { ModelVersion, RegisteredModel, RegistryTag } from './entities.js';


function presentTags(tags: RegistryTag[]): wire.KeyValue[] | undefined {
  return nonEmpty(tags.map((t) => (t.value === null ? { key: t.key } : { key: t.key, value: t.value })));
}

export function presentModelVersion(mv: ModelVersion): wire.ModelVersion {
  return {
    name: mv.name,
    version: String(mv.version),
    creation_timestamp: mv.creation_time ?? 0,
    last_updated_timestamp: mv.last_updated_time ?? undefined,
    user_id: mv.user_id ?? undefined,
    current_stage: mv.current_stage ?? undefined,
    description: mv.description ?? undefined,
    source: mv.source ?? undefined,
    run_id: mv.run_id ?? undefined,
    status: mv.status ?? undefined,
    status_message: mv.status_message || undefined,
    tags: presentTags(mv.tags),
    run_link: mv.run_link ?? undefined,
    aliases: nonEmpty(mv.aliases),
  };
}

export function presentRegisteredModel(rm: RegisteredModel): wire.RegisteredModel {
  const last = rm.last_updated_time;
  return {
    name: rm.name,
    creation_timestamp: rm.creation_time ?? undefined,
    last_updated_timestamp: last === null || last === 0 || last === 0n ? undefined : last,
    description: rm.description || undefined,
    latest_versions: nonEmpty(rm.latest_versions.map(presentModelVersion)),
    tags: presentTags(rm.tags),
    aliases: nonEmpty(rm.aliases.map((a) => ({ alias: a.alias, version: String(a.version) }))),
  };
}
