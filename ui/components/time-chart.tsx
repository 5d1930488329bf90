import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { TimeSeries } from '../api.js';
import { cssColor, useColorScheme } from '../color-scheme.js';
import { formatAxisNumbers } from '../format.js';

const HEIGHT = 240;
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
// Whole clicks only: no 0.2-click ticks on a quiet link.
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8];

let measurer: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 8;
  measurer.font = AXIS_FONT;
  return measurer.measureText(text).width;
}

function chartData(series: TimeSeries, previous: TimeSeries | undefined): uPlot.AlignedData {
  const data: uPlot.AlignedData = [
    series.map((p) => Date.parse(p.t) / 1000),
    series.map((p) => p.clicks),
    series.map((p) => p.uniqueVisitors),
  ];
  // The earlier period lines up bucket by bucket, whatever its dates.
  return previous ? [...data, series.map((_, i) => previous[i]?.clicks ?? null)] : data;
}

// Ticks of a daily or coarser series fall on whole days, labelled as dates, never as hours.
const COARSE_STEPS = [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400, 91 * 86_400, 365 * 86_400];

function chartOptions(width: number, comparing: boolean, coarse: boolean, host: HTMLElement): uPlot.Options {
  const [text, line, accent, second] = [cssColor('--muted'), cssColor('--line'), cssColor('--accent'), cssColor('--ok')];
  const axis = { stroke: text, grid: { stroke: line }, ticks: { stroke: line }, font: AXIS_FONT };
  return {
    width,
    height: HEIGHT,
    series: [
      {},
      { label: 'Clicks', stroke: accent, fill: cssColor('--accent-fill'), width: 2 },
      { label: 'Unique visitors', stroke: second, width: 2 },
      ...(comparing ? [{ label: 'Previous period', stroke: cssColor('--previous'), width: 2, dash: [6, 4] }] : []),
    ],
    legend: { live: false },
    axes: [coarse ? { ...axis, incrs: COARSE_STEPS } : axis, {
      ...axis,
      incrs: WHOLE_STEPS,
      values: (_u, splits) => formatAxisNumbers(splits),
      // Room for the widest label, so 10,000 and up are never cut to "0,000".
      size: (_u, values) => {
        const widest = Math.max(0, ...(values ?? []).map(textWidth));
        const size = Math.ceil(widest) + 22;
        host.dataset.yAxisWidth = String(size);
        host.dataset.yLabels = (values ?? []).join('|');
        return size;
      },
    }],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
  };
}

const widthOf = (element: HTMLElement) => Math.max(240, element.clientWidth);

/** Clicks and unique visitors over time, the earlier period dimmer beside them (uPlot: canvas). */
export function TimeChart({ series, previous, interval, label }: { series: TimeSeries; previous?: TimeSeries | undefined; interval: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const scheme = useColorScheme();
  const comparing = previous !== undefined;
  const coarse = ['day', 'week', 'month'].includes(interval);
  const latest = useRef({ series, previous });
  latest.current = { series, previous };

  // Built anew only when the set of lines or the colours change; data changes go through setData.
  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const chart = new uPlot(chartOptions(widthOf(element), comparing, coarse, element), chartData(latest.current.series, latest.current.previous), element);
    plot.current = chart;
    // The host follows its card; a window resize, a phone turning or a sidebar all reach it.
    const observer = new ResizeObserver(() => chart.setSize({ width: widthOf(element), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [comparing, coarse, scheme]);

  useEffect(() => {
    plot.current?.setData(chartData(series, previous));
  }, [series, previous]);

  return <div class="chart" ref={host} role="img" aria-label={label} data-series={comparing ? 'current previous' : 'current'} />;
}
