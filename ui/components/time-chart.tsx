import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  t: string;
  clicks: number;
  uniqueVisitors: number;
}

/** Clicks and unique visitors over time (uPlot: small, fast, canvas). */
export function TimeChart({ series, label }: { series: Series[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const data: uPlot.AlignedData = [
      series.map((p) => Date.parse(p.t) / 1000),
      series.map((p) => p.clicks),
      series.map((p) => p.uniqueVisitors),
    ];
    if (plot.current) {
      plot.current.setData(data);
      return;
    }
    const width = () => Math.max(280, element.clientWidth);
    plot.current = new uPlot({
      width: width(),
      height: 240,
      series: [
        {},
        { label: 'Clicks', stroke: '#2563eb', fill: 'rgba(37,99,235,0.12)', width: 2 },
        { label: 'Unique visitors', stroke: '#16a34a', width: 2 },
      ],
      // Whole clicks only: no 0.2-click ticks on a quiet link.
      axes: [{}, { size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6] }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    }, data, element);
    const resize = () => plot.current?.setSize({ width: width(), height: 240 });
    window.addEventListener('resize', resize);
    return () => window.removeEventListener('resize', resize);
  }, [series]);

  useEffect(() => () => {
    plot.current?.destroy();
    plot.current = null;
  }, []);

  return <div class="chart" ref={host} role="img" aria-label={label} />;
}
