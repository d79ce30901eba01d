/** A uPlot chart in React: created once per option set, data updated in place. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  label: string;
}

export function UPlotChart({ options, data, height, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, latest.current, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [options, height]);
  useEffect(() => {
    // scales follow the new data (a zoom is a new request, so nothing is lost)
    plot.current?.setData(data);
  }, [data]);
  return <div ref={box} className="uplot-box" role="img" aria-label={label} />;
}
