import type { Click, KeyCount, Stats } from './api.js';

const DIMENSIONS = {
  countries: (c: Click) => c.country,
  referrers: (c: Click) => c.referrerHost,
  browsers: (c: Click) => c.browser,
  os: (c: Click) => c.os,
  devices: (c: Click) => c.device,
  languages: (c: Click) => c.language,
} as const;

function bump(rows: KeyCount[], key: string | null): KeyCount[] {
  const found = rows.some((r) => r.key === key);
  const next = found ? rows.map((r) => (r.key === key ? { ...r, clicks: r.clicks + 1 } : r)) : [...rows, { key, clicks: 1 }];
  return next.sort((a, b) => b.clicks - a.clicks);
}

/**
 * A live click counted into a report at once, so counters and charts move within the second;
 * unique visitors are left to the next full refetch (only the server can tell them).
 */
export function addClickToStats(stats: Stats, click: Click): Stats {
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
  for (const [dimension, keyOf] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, (c: Click) => string | null][]) {
    next[dimension] = bump(stats[dimension], keyOf(click));
  }
  return next;
}
