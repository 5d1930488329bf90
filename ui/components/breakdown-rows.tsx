import type { KeyCount } from '../api.js';
import { countryLabel, formatNumber, formatShare, keyLabel } from '../format.js';
import { filterValueOf } from '../view/filters.js';

interface RowsProps {
  dimension: string;
  rows: KeyCount[];
  /** All clicks of the report: each row's share of it. */
  total: number;
  /** The raw filter value of the row now filtered on, if any. */
  active: string | undefined;
  onPick: (value: string) => void;
}

/**
 * A breakdown's entries as bars. A row that can filter is a button (keyboard and screen readers
 * reach it); every label is text, never markup: referrers and UTM values are written by anyone.
 */
export function BreakdownRows({ dimension, rows, total, active, onPick }: RowsProps) {
  const max = Math.max(1, ...rows.map((r) => r.clicks));
  const visitors = rows.some((r) => r.uniqueVisitors !== undefined);
  return (
    <ol class="rows" data-dimension={dimension}>
      <li class="row-head" aria-hidden="true">
        <span class="label" />
        {visitors && <span class="value">Visitors</span>}
        <span class="value">Clicks</span>
        <span class="value share">%</span>
      </li>
      {rows.map((row) => {
        const value = filterValueOf(row.key);
        const label = dimension === 'countries' ? countryLabel(row.key) : keyLabel(dimension, row.key);
        const cells = (
          <>
            <span class="bar" style={{ width: `${(row.clicks / max) * 100}%` }} />
            <span class="label" title={label}>{label}</span>
            {visitors && <span class="value" title="Unique visitors">{row.uniqueVisitors === undefined ? '—' : formatNumber(row.uniqueVisitors)}</span>}
            <span class="value">{formatNumber(row.clicks)}</span>
            <span class="value share">{formatShare(row.clicks, total)}</span>
          </>
        );
        return (
          <li key={String(row.key)} data-key={row.key ?? ''}>
            {value === undefined
              ? <div class="row">{cells}</div>
              : <button type="button" class="row" aria-pressed={active === value} title={`Filter: ${label}`} onClick={() => onPick(value)}>{cells}</button>}
          </li>
        );
      })}
    </ol>
  );
}
