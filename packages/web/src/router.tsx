/**
 * Hash routes: ours are MLflow 2.12.2's own paths, so links copied from an MLflow UI open the
 * matching page here. Heavy views (run page, charts, compare) load lazily as route modules: the
 * router fetches a view's code before it renders it. (A `React.lazy` view behind `<Suspense>`
 * would show its fallback first, and React then holds the finished view back until the
 * fallback has been up for 300 ms.)
 */
import { Navigate, createHashRouter, useRouteError } from 'react-router';
import type { LoaderFunctionArgs, RouteObject } from 'react-router';
import { CHART_BUCKETS, downsampledSeriesQuery } from './hooks/useMetricHistory';
import { metricPageTarget } from './lib/mlflowRoutes';
import { queryClient } from './lib/queryClient';
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

function lazyView(path: string, load: () => Promise<{ default: React.ComponentType }>, loader?: RouteObject['loader']): RouteObject {
  return { path, lazy: async () => ({ Component: (await load()).default }), loader, errorElement: <RouteError />, hydrateFallbackElement: <Loading /> };
}

const metric = () => import('./scenes/Metric');

/**
 * The metric page's series are asked for as soon as its code has arrived, while the session
 * state and the first render are still to come: the loader starts the charts' own queries (same
 * keys). Not before the code: the server answers requests in turn, and the code's files would
 * wait behind the series.
 */
async function prefetchMetricSeries({ request, params }: LoaderFunctionArgs): Promise<null> {
  const { runIds, keys } = metricPageTarget(new URL(request.url).searchParams, params['*'] ?? '');
  await metric().catch(() => undefined);
  for (const key of keys.slice(0, 20)) {
    for (const runId of runIds.slice(0, 50)) void queryClient.prefetchQuery(downsampledSeriesQuery(runId, key, CHART_BUCKETS, undefined));
  }
  return null;
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
      lazyView('/metric/*', metric, prefetchMetricSeries),
      { path: '*', element: <NotFoundScene /> },
    ],
  },
]);
