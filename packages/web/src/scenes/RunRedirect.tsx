/** MLflow's `#/runs/<run_id>`: finds the run's experiment and opens its run page. */
import { Navigate, useParams } from 'react-router';
import { ErrorState, Loading } from '../components/Status';
import { useRun } from '../hooks/useRun';

export function RunRedirectScene() {
  const { runId = '', '*': rest = '' } = useParams();
  const run = useRun(runId);
  if (run.isPending) return <Loading />;
  if (run.isError) return <ErrorState error={run.error} retry={() => void run.refetch()} />;
  return <Navigate replace to={`/experiments/${run.data.info.experiment_id}/runs/${runId}${rest ? `/${rest}` : ''}`} />;
}
