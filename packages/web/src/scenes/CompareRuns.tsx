/**
 * Compare runs (`#/compare-runs?runs=[...]&experiments=[...]`, MLflow's link): a param/metric
 * table with "show differences only", parallel coordinates, a scatter of any two values and
 * the metric charts overlaid.
 */
import type { Run } from '@darwin-mlflow/contract';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type uPlot from 'uplot';
import MetricCharts, { chartRun } from '../components/MetricCharts';
import { ErrorState, Loading } from '../components/Status';
import { UPlotChart } from '../components/UPlotChart';
import { useRunsById } from '../hooks/useRun';
import { compareRows, numeric } from '../lib/compare';
import type { CompareRow } from '../lib/compare';
import { formatNumber } from '../lib/format';
import { jsonList } from '../lib/mlflowRoutes';

export default function CompareRunsScene() {
  const [params] = useSearchParams();
  const runIds = jsonList(params.get('runs'));
  const results = useRunsById(runIds);
  if (runIds.length === 0) return <ErrorState error={new Error('The link names no runs to compare.')} />;
  const failed = results.find((r) => r.isError);
  if (failed) return <ErrorState error={failed.error} />;
  if (results.some((r) => r.isPending)) return <Loading label="Loading runs…" />;
  const runs = results.map((r) => r.data).filter((r): r is Run => r !== undefined);
  return <Compare runs={runs} />;
}

function Compare({ runs }: { runs: Run[] }) {
  const [diffOnly, setDiffOnly] = useState(false);
  const rows = useMemo(() => compareRows(runs), [runs]);
  const shown = diffOnly ? rows.filter((r) => r.differs) : rows;
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data?.metrics ?? []).map((m) => m.key)))].sort();
  const numericRows = rows.filter((r) => r.values.filter((v) => numeric(v) !== undefined).length >= 2);
  return (
    <section className="page compare-page">
      <h1>Comparing {runs.length} runs</h1>
      <section>
        <div className="page-head">
          <h2>Parameters and metrics</h2>
          <label className="check">
            <input type="checkbox" checked={diffOnly} onChange={(e) => setDiffOnly(e.target.checked)} /> Show differences only
          </label>
        </div>
        <div className="table-preview">
          <table className="grid compact compare">
            <thead>
              <tr>
                <th scope="col">Key</th>
                {runs.map((r) => (
                  <th key={r.info.run_id} scope="col">
                    <Link to={`/experiments/${r.info.experiment_id}/runs/${r.info.run_id}`}>{r.info.run_name || r.info.run_id}</Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={`${row.kind}:${row.key}`} className={row.differs ? 'differs' : ''}>
                  <th scope="row" className="mono">
                    <span className={`kind ${row.kind}`}>{row.kind === 'params' ? 'param' : 'metric'}</span> {row.key}
                  </th>
                  {row.values.map((v, i) => (
                    <td key={i} className={row.kind === 'metrics' ? 'num' : ''}>
                      {v === undefined ? '—' : row.kind === 'metrics' ? formatNumber(v) : v}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {numericRows.length >= 2 && <ParallelCoordinates runs={runs} rows={numericRows} />}
      {numericRows.length >= 1 && <Scatter runs={runs} rows={numericRows} />}
      {metricKeys.length > 0 && (
        <section>
          <h2>Metric charts</h2>
          <MetricCharts runs={runs.map(chartRun)} metricKeys={metricKeys} />
        </section>
      )}
    </section>
  );
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#7c3aed', '#ca8a04'];

/** One vertical axis per numeric param/metric (up to 12), one line per run, each axis scaled to its range. */
function ParallelCoordinates({ runs, rows }: { runs: Run[]; rows: CompareRow[] }) {
  const axes = rows.slice(0, 12);
  const width = 1000;
  const height = 260;
  const pad = 40;
  const step = (width - 2 * pad) / Math.max(1, axes.length - 1);
  const scaled = axes.map((row) => {
    const nums = row.values.map(numeric);
    const present = nums.filter((n): n is number => n !== undefined);
    const lo = Math.min(...present);
    const hi = Math.max(...present);
    return { row, lo, hi, y: nums.map((n) => (n === undefined ? undefined : height - pad - ((n - lo) / (hi - lo || 1)) * (height - 2 * pad))) };
  });
  return (
    <section>
      <h2>Parallel coordinates</h2>
      <svg className="parallel" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Parallel coordinates of the compared runs">
        {scaled.map((a, i) => (
          <g key={a.row.key}>
            <line x1={pad + i * step} x2={pad + i * step} y1={pad} y2={height - pad} className="axis" />
            <text x={pad + i * step} y={pad - 18} textAnchor="middle" className="axis-label">
              {a.row.key.length > 16 ? `${a.row.key.slice(0, 15)}…` : a.row.key}
            </text>
            <text x={pad + i * step} y={pad - 5} textAnchor="middle" className="axis-tick">
              {formatNumber(a.hi)}
            </text>
            <text x={pad + i * step} y={height - pad + 14} textAnchor="middle" className="axis-tick">
              {formatNumber(a.lo)}
            </text>
          </g>
        ))}
        {runs.map((r, ri) => {
          const pts = scaled.map((a, i) => (a.y[ri] === undefined ? null : `${pad + i * step},${a.y[ri]}`)).filter(Boolean);
          return <polyline key={r.info.run_id} points={pts.join(' ')} fill="none" stroke={COLORS[ri % COLORS.length]} strokeWidth={2}><title>{r.info.run_name || r.info.run_id}</title></polyline>;
        })}
      </svg>
    </section>
  );
}

function Scatter({ runs, rows }: { runs: Run[]; rows: CompareRow[] }) {
  const id = (r: CompareRow) => `${r.kind}:${r.key}`;
  const [xKey, setXKey] = useState(id(rows[0] as CompareRow));
  const [yKey, setYKey] = useState(id((rows[1] ?? rows[0]) as CompareRow));
  const xRow = rows.find((r) => id(r) === xKey) ?? (rows[0] as CompareRow);
  const yRow = rows.find((r) => id(r) === yKey) ?? (rows[0] as CompareRow);
  const data = useMemo(() => {
    const pts = runs
      .map((_, i) => [numeric(xRow.values[i]), numeric(yRow.values[i])] as const)
      .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined)
      .sort((a, b) => a[0] - b[0]);
    return [pts.map((p) => p[0]), pts.map((p) => p[1])] as uPlot.AlignedData;
  }, [runs, xRow, yRow]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: false } },
      series: [{ label: xRow.key }, { label: yRow.key, stroke: COLORS[0], paths: () => null, points: { show: true, size: 9, fill: COLORS[0] } }],
      axes: [{ stroke: 'currentColor', label: xRow.key }, { stroke: 'currentColor', label: yRow.key, size: 60 }],
      legend: { show: false },
    }),
    [xRow, yRow],
  );
  const select = (value: string, onChange: (v: string) => void, label: string) => (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {rows.map((r) => (
          <option key={id(r)} value={id(r)}>
            {r.kind === 'params' ? 'param' : 'metric'}: {r.key}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section>
      <h2>Scatter</h2>
      <div className="toolbar">
        {select(xKey, setXKey, 'X')}
        {select(yKey, setYKey, 'Y')}
      </div>
      <div className="card">
        <UPlotChart options={options} data={data} height={260} label={`Scatter of ${yRow.key} against ${xRow.key}`} />
      </div>
    </section>
  );
}
