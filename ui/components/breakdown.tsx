import { useState } from 'preact/hooks';
import type { KeyCount, Stats } from '../api.js';
import { CLICK_DIMENSIONS } from '../../src/core/analytics/analytics-store.js';
import type { Dimension, Filters } from '../view/filters.js';
import { BreakdownRows } from './breakdown-rows.js';
import { CountryMap } from './country-map.js';

export type Tab = readonly [Dimension, string];

interface BreakdownProps {
  title: string;
  tabs: readonly Tab[];
  stats: Stats;
  filters: Filters;
  /** Rows per breakdown the report was asked for: a full list may have more. */
  limit: number;
  onFilter: (dimension: Dimension, value: string) => void;
  /** The tab chosen, kept by the page so it survives a reload of the report. */
  chosen: Dimension | undefined;
  onChoose: (dimension: Dimension) => void;
  /** The whole list of one breakdown (a report with a larger limit). */
  loadAll: (dimension: Dimension) => Promise<KeyCount[]>;
}

/**
 * A card of breakdowns under tabs; a tab beyond the first shows once it has data (or a filter).
 * The page unmounts it while another view loads, so a fetched full list never outlives its view.
 */
export function Breakdown({ title, tabs, stats, filters, limit, onFilter, chosen, onChoose, loadAll }: BreakdownProps) {
  const shown = tabs.filter(([dimension], i) => i === 0 || filters[CLICK_DIMENSIONS[dimension]] !== undefined || stats[dimension].some((r) => r.key !== null));
  const dimension = chosen !== undefined && shown.some(([d]) => d === chosen) ? chosen : (shown[0]?.[0] as Dimension);
  const [all, setAll] = useState<{ dimension: Dimension; rows: KeyCount[] | 'loading' | 'failed' } | null>(null);

  const rows = stats[dimension];
  const expanded = all?.dimension === dimension ? all.rows : null;
  async function showAll() {
    setAll({ dimension, rows: 'loading' });
    try {
      setAll({ dimension, rows: await loadAll(dimension) });
    } catch {
      setAll({ dimension, rows: 'failed' });
    }
  }

  const map = dimension === 'countries' && rows.length > 0;
  return (
    <section class={map ? 'card breakdown has-map' : 'card breakdown'} aria-label={title}>
      <div class="breakdown-head">
        <h2>{title}</h2>
        {shown.length > 1 && (
          <div class="tabs" role="group" aria-label={`${title}: show`}>
            {shown.map(([d, label]) => (
              <button type="button" key={d} class={d === dimension ? 'tab active' : 'tab'} aria-pressed={d === dimension} onClick={() => onChoose(d)}>{label}</button>
            ))}
          </div>
        )}
      </div>
      {map && (
        <CountryMap rows={rows} limit={limit} total={stats.totals.clicks} active={filters.country}
          onPick={(value) => onFilter('countries', value)} loadAll={() => loadAll('countries')} />
      )}
      {rows.length === 0 ? <p class="muted">No clicks in this view</p> : (
        <div class={Array.isArray(expanded) ? 'rows-scroll' : ''}>
          <BreakdownRows
            dimension={dimension}
            rows={Array.isArray(expanded) ? expanded : rows}
            total={stats.totals.clicks}
            active={filters[CLICK_DIMENSIONS[dimension]]}
            onPick={(value) => onFilter(dimension, value)}
          />
        </div>
      )}
      {expanded === 'failed' && <p class="error" role="alert">Could not load the whole list.</p>}
      {Array.isArray(expanded)
        ? <button type="button" class="link-button" onClick={() => setAll(null)}>Show fewer</button>
        : rows.length >= limit && <button type="button" class="link-button" disabled={expanded === 'loading'} onClick={() => void showAll()}>{expanded === 'loading' ? 'Loading…' : 'Show all'}</button>}
    </section>
  );
}
