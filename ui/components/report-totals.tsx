import type { Stats, Totals } from '../api.js';
import { formatChange, formatNumber } from '../format.js';

const FIGURES: readonly [keyof Totals, string][] = [
  ['clicks', 'Clicks'], ['uniqueVisitors', 'Unique visitors'], ['humanClicks', 'Human clicks'], ['botClicks', 'Bot clicks'],
];

/** The report's totals, each with its change against the compared period when there is one. */
export function ReportTotals({ stats }: { stats: Stats }) {
  const before = stats.previous?.totals;
  return (
    <dl class="report-totals">
      {FIGURES.map(([key, name]) => {
        const change = before && formatChange(stats.totals[key], before[key]);
        const trend = before && stats.totals[key] !== before[key] ? (stats.totals[key] > before[key] ? 'up' : 'down') : 'flat';
        return (
          <div key={key} class="figure">
            <dt>{name}</dt>
            <dd>
              <strong data-testid={`range-${key}`}>{formatNumber(stats.totals[key])}</strong>
              {before && (
                <span class={`change ${trend}`} data-testid={`change-${key}`} title={`${formatNumber(before[key])} in the compared period`}>
                  {change ?? 'new'}
                </span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
