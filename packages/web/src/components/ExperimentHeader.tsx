/** Name, id, artifact location, tags and markdown description of one experiment. */
import { useExperiment, useExperimentMutations } from '../hooks/useExperiments';
import { tagValue } from '../lib/format';
import { Description, NOTE_TAG } from './Description';
import { ErrorState, Loading } from './Status';
import { TagList } from './TagList';

export function ExperimentHeader({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId);
  const { setTag } = useExperimentMutations();
  if (experiment.isPending) return <Loading />;
  if (experiment.isError) return <ErrorState error={experiment.error} retry={() => void experiment.refetch()} />;
  const e = experiment.data;
  return (
    <header className="experiment-head">
      <h1>
        {e.name} {e.lifecycle_stage === 'deleted' && <span className="badge killed">deleted</span>}
      </h1>
      <p className="muted">
        Experiment ID <span className="mono">{e.experiment_id}</span> · Artifact location <span className="mono">{e.artifact_location}</span>
      </p>
      <details>
        <summary>Description and tags</summary>
        <Description
          value={tagValue(e.tags, NOTE_TAG)}
          saving={setTag.isPending}
          error={setTag.error?.message}
          onSave={(value) => setTag.mutate({ id: e.experiment_id, key: NOTE_TAG, value })}
        />
        <TagList tags={e.tags ?? []} onSet={(key, value) => setTag.mutate({ id: e.experiment_id, key, value })} error={setTag.error?.message} />
      </details>
    </header>
  );
}
