import type { KeyCount, SharedClick, Stats } from './api.js';
import { CLICK_DIMENSIONS } from '../src/core/analytics/analytics-store.js';

function bump(rows: KeyCount[], key: string | null): KeyCount[] {
  const found = rows.some((r) => r.key === key);
  const next = found ? rows.map((r) => (r.key === key ? { ...r, clicks: r.clicks + 1 } : r)) : [...rows, { key, clicks: 1 }];
  return next.sort((a, b) => b.clicks - a.clicks);
}

/**
 * A live click counted into a report at once, so counters and charts move within the second;
 * unique visitors are left to the next full refetch (only the server can tell them).
 */
export function addClickToStats(stats: Stats, click: SharedClick): Stats {
  const at = Date.parse(click.at);
  if (at < Date.parse(stats.from)) return stats;
  const series = [...stats.timeseries];
  for (let i = series.length - 1; i >= 0; i--) {
    const bucket = series[i];
    if (bucket && Date.parse(bucket.t) <= at) {
      series[i] = { ...bucket, clicks: bucket.clicks + 1 };
      break;
    }
  }
  const next: Stats = {
    ...stats,
    to: new Date(Math.max(at + 1, Date.parse(stats.to))).toISOString(),
    totals: {
      ...stats.totals,
      clicks: stats.totals.clicks + 1,
      humanClicks: stats.totals.humanClicks + (click.bot ? 0 : 1),
      botClicks: stats.totals.botClicks + (click.bot ? 1 : 0),
    },
    timeseries: series,
  };
  for (const [dimension, field] of Object.entries(CLICK_DIMENSIONS) as [keyof typeof CLICK_DIMENSIONS, keyof SharedClick][]) {
    if (stats[dimension]) next[dimension] = bump(stats[dimension], click[field] as string | null);
  }
  return next;
}
