/**
 * Hash routes: ours are MLflow 2.12.2's own paths, so links copied from an MLflow UI open the
 * matching page here. Heavy views (run page, charts, compare) load lazily as route modules: the
 * router fetches a view's code before it renders it. (A `React.lazy` view behind `<Suspense>`
 * would show its fallback first, and React then holds the finished view back until the
 * fallback has been up for 300 ms.)
 */
import { Navigate, createHashRouter, useRouteError } from 'react-router';
import type { RouteObject } from 'react-router';
import { Shell } from './components/Shell';
import { ErrorState, Loading } from './components/Status';
import { ExperimentsScene } from './scenes/Experiments';
import { NotFoundScene } from './scenes/NotFound';
import { RunRedirectScene } from './scenes/RunRedirect';
import { RunsScene } from './scenes/Runs';

/** A view whose code failed to load (e.g. the server was updated meanwhile). */
function RouteError() {
  return <ErrorState error={useRouteError()} retry={() => window.location.reload()} />;
}

function lazyView(path: string, load: () => Promise<{ default: React.ComponentType }>): RouteObject {
  return { path, lazy: async () => ({ Component: (await load()).default }), errorElement: <RouteError />, hydrateFallbackElement: <Loading /> };
}

const run = () => import('./scenes/Run');

export const router = createHashRouter([
  {
    element: <Shell />,
    hydrateFallbackElement: <Loading />,
    children: [
      { path: '/', element: <Navigate to="/experiments" replace /> },
      { path: '/experiments', element: <ExperimentsScene /> },
      { path: '/experiments/:experimentId', element: <RunsScene /> },
      { path: '/experiments/:experimentId/:searchString', element: <RunsScene /> },
      lazyView('/experiments/:experimentId/runs/:runId', run),
      lazyView('/experiments/:experimentId/runs/:runId/*', run),
      { path: '/runs/:runId', element: <RunRedirectScene /> },
      { path: '/runs/:runId/*', element: <RunRedirectScene /> },
      { path: '/compare-experiments', element: <RunsScene /> },
      { path: '/compare-experiments/:searchString', element: <RunsScene /> },
      lazyView('/compare-runs', () => import('./scenes/CompareRuns')),
      lazyView('/metric/*', () => import('./scenes/Metric')),
      { path: '*', element: <NotFoundScene /> },
    ],
  },
]);
