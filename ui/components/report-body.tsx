import { useState } from 'preact/hooks';
import { CLICK_DIMENSIONS } from '../../src/core/analytics/analytics-store.js';
import { browserTimeZone } from '../format.js';
import { BREAKDOWN_LIMIT, type useLinkReport } from '../pages/use-link-report.js';
import type { Dimension, FilterParam } from '../view/filters.js';
import type { View } from '../view/view-state.js';
import { Breakdown, type Tab } from './breakdown.js';
import { FilterChips } from './filter-chips.js';
import { ReportTotals } from './report-totals.js';
import { TimeChart } from './time-chart.js';
import { ViewControls } from './view-controls.js';

const CARDS: readonly { title: string; tabs: readonly Tab[] }[] = [
  { title: 'Sources', tabs: [['referrers', 'Referrers'], ['utmSources', 'UTM source'], ['utmMediums', 'UTM medium'], ['utmCampaigns', 'UTM campaign'], ['utmTerms', 'UTM term'], ['utmContents', 'UTM content']] },
  { title: 'Locations', tabs: [['countries', 'Countries'], ['regions', 'Regions'], ['cities', 'Cities']] },
  { title: 'Browsers', tabs: [['browsers', 'Browsers']] },
  { title: 'Operating systems', tabs: [['os', 'Operating systems']] },
  { title: 'Devices', tabs: [['devices', 'Devices']] },
  { title: 'Languages', tabs: [['languages', 'Languages']] },
];

interface ReportBodyProps {
  view: View;
  report: ReturnType<typeof useLinkReport>;
  /** A new view (a new URL). */
  onChange: (next: Partial<View>) => void;
}

/** A link's report of one view: controls, filter chips, totals, chart and breakdowns that filter. */
export function ReportBody({ view, report, onChange }: ReportBodyProps) {
  const [tabs, setTabs] = useState<Record<string, Dimension>>({});
  const { stats, loadStats } = report;
  const setFilter = (param: FilterParam, value: string | undefined) => {
    const filters = { ...view.filters };
    if (value === undefined) delete filters[param];
    else filters[param] = value;
    onChange({ filters });
  };
  const pick = (dimension: Dimension, value: string) => {
    const param = CLICK_DIMENSIONS[dimension];
    setFilter(param, view.filters[param] === value ? undefined : value);
  };
  return (
    <>
      <section class="card report" aria-label="Report" aria-busy={!stats && !report.failure} data-view={stats ? report.key : undefined}>
        <ViewControls view={view} onChange={onChange} />
        <FilterChips filters={view.filters} onRemove={(param) => setFilter(param, undefined)} onClear={() => onChange({ filters: {} })} />
        {report.failure && (
          <p class="error" role="alert" data-testid="report-error">
            {report.failure}{stats && ' The figures below may be out of date.'}
            {' '}<button type="button" class="secondary" onClick={() => void loadStats()}>Retry</button>
          </p>
        )}
        {stats ? (
          <>
            <ReportTotals stats={stats} />
            <p class="summary muted">
              Per {stats.interval} · time zone {stats.tz}
              {stats.previous && ` · compared with ${new Date(stats.previous.from).toLocaleDateString(undefined, { timeZone: browserTimeZone })} – ${new Date(Date.parse(stats.previous.to) - 1).toLocaleDateString(undefined, { timeZone: browserTimeZone })}`}
            </p>
            <TimeChart series={stats.timeseries} previous={stats.previous?.timeseries} interval={stats.interval} label={`Clicks per ${stats.interval}`} />
          </>
        ) : !report.failure && <p class="loading" data-testid="report-loading">Loading the report…</p>}
      </section>

      {stats && (
        <div class="grid">
          {CARDS.map((card) => (
            <Breakdown key={card.title} title={card.title} tabs={card.tabs} stats={stats} filters={view.filters} limit={BREAKDOWN_LIMIT} onFilter={pick} loadAll={report.loadAll}
              chosen={tabs[card.title]} onChoose={(d) => setTabs({ ...tabs, [card.title]: d })} />
          ))}
        </div>
      )}
    </>
  );
}
