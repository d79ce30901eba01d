/**
 * Hash routes: ours are MLflow 2.12.2's own paths, so links copied from an MLflow UI open the
 * matching page here. Heavy views (charts, compare) load lazily.
 */
import { lazy } from 'react';
import { Navigate, createHashRouter } from 'react-router';
import { Shell } from './components/Shell';
import { Lazy } from './components/Status';
import { ExperimentsScene } from './scenes/Experiments';
import { NotFoundScene } from './scenes/NotFound';
import { RunRedirectScene } from './scenes/RunRedirect';
import { RunsScene } from './scenes/Runs';

const RunScene = lazy(() => import('./scenes/Run'));
const CompareRunsScene = lazy(() => import('./scenes/CompareRuns'));
const MetricScene = lazy(() => import('./scenes/Metric'));

export const router = createHashRouter([
  {
    element: <Shell />,
    children: [
      { path: '/', element: <Navigate to="/experiments" replace /> },
      { path: '/experiments', element: <ExperimentsScene /> },
      { path: '/experiments/:experimentId', element: <RunsScene /> },
      { path: '/experiments/:experimentId/:searchString', element: <RunsScene /> },
      { path: '/experiments/:experimentId/runs/:runId', element: <Lazy><RunScene /></Lazy> },
      { path: '/experiments/:experimentId/runs/:runId/*', element: <Lazy><RunScene /></Lazy> },
      { path: '/runs/:runId', element: <RunRedirectScene /> },
      { path: '/runs/:runId/*', element: <RunRedirectScene /> },
      { path: '/compare-experiments', element: <RunsScene /> },
      { path: '/compare-experiments/:searchString', element: <RunsScene /> },
      { path: '/compare-runs', element: <Lazy><CompareRunsScene /></Lazy> },
      { path: '/metric/*', element: <Lazy><MetricScene /></Lazy> },
      { path: '*', element: <NotFoundScene /> },
    ],
  },
]);
