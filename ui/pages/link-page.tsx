import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, describeFailure, linkPath, type Click, type Link, type Session } from '../api.js';
import { Breakdown, type Tab } from '../components/breakdown.js';
import { mergeClicks } from '../components/clicks-table.js';
import { FilterChips } from '../components/filter-chips.js';
import { LinkEditor } from '../components/link-editor.js';
import { LinkHeader } from '../components/link-header.js';
import { RecentClicks } from '../components/recent-clicks.js';
import { ReportTotals } from '../components/report-totals.js';
import { TimeChart } from '../components/time-chart.js';
import { ViewControls } from '../components/view-controls.js';
import { browserTimeZone } from '../format.js';
import { subscribeClicks, useSettledRefresh } from '../live.js';
import { addClickToStats } from '../stats-update.js';
import { CLICK_DIMENSIONS } from '../../src/core/analytics/analytics-store.js';
import { clickPasses, type Dimension, type FilterParam } from '../view/filters.js';
import { clicksParams, endsNow, parseView, viewSearch, type View } from '../view/view-state.js';
import { BREAKDOWN_LIMIT, useLinkReport } from './use-link-report.js';

const CARDS: readonly { title: string; tabs: readonly Tab[] }[] = [
  { title: 'Sources', tabs: [['referrers', 'Referrers'], ['utmSources', 'UTM source'], ['utmMediums', 'UTM medium'], ['utmCampaigns', 'UTM campaign'], ['utmTerms', 'UTM term'], ['utmContents', 'UTM content']] },
  { title: 'Locations', tabs: [['countries', 'Countries'], ['regions', 'Regions'], ['cities', 'Cities']] },
  { title: 'Browsers', tabs: [['browsers', 'Browsers']] },
  { title: 'Operating systems', tabs: [['os', 'Operating systems']] },
  { title: 'Devices', tabs: [['devices', 'Devices']] },
  { title: 'Languages', tabs: [['languages', 'Languages']] },
];

/** Whether a live click belongs in the view: its bots setting, its range, its filters. */
function belongs(view: View, stats: { from: string; to: string; filters: Record<string, string[]> }, click: Click): boolean {
  if (view.bots === 'exclude' && click.bot) return false;
  if (view.bots === 'only' && !click.bot) return false;
  const at = Date.parse(click.at);
  if (at < Date.parse(stats.from) || (!endsNow(view) && at >= Date.parse(stats.to))) return false;
  return clickPasses(stats.filters, click);
}

interface LinkPageProps {
  code: string;
  session: Session;
  search: string;
  navigate: (path: string) => void;
}

export function LinkPage({ code, session, search, navigate }: LinkPageProps) {
  const view = useMemo(() => parseView(search), [search]);
  const [link, setLink] = useState<Link | null>(null);
  const [linkFailure, setLinkFailure] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [status, setStatus] = useState<'live' | 'reconnecting'>('reconnecting');
  const [tabs, setTabs] = useState<Record<string, Dimension>>({});
  const report = useLinkReport(code, view);
  const { stats, loadStats, loadClicks, setReport, setClicks } = report;

  const loadLink = useCallback(async () => {
    try {
      setLink(await api<Link>(linkPath(code)));
      setLinkFailure(null);
    } catch (error) {
      if ((error as { status?: number }).status === 404) setMissing(true);
      else setLinkFailure(describeFailure(error));
    }
  }, [code]);

  useEffect(() => { void loadLink(); }, [loadLink]);
  useEffect(() => { void loadStats(); }, [loadStats]);
  useEffect(() => { loadClicks().catch(() => undefined); }, [loadClicks]);

  const refresh = useCallback(async () => { await Promise.all([loadLink(), loadStats()]); }, [loadLink, loadStats]);
  const settle = useSettledRefresh(refresh);

  // The stream is the link's, opened once; the view is applied here, so the counter of all clicks
  // moves too, and a view change needs no new connection.
  const current = useRef({ view, stats, key: report.key, settle, refresh, loadClicks });
  current.current = { view, stats, key: report.key, settle, refresh, loadClicks };
  useEffect(() => subscribeClicks(`${linkPath(code)}/live`, (click) => {
    setLink((l) => l && { ...l, clicks: l.clicks + 1 });
    const { view: v, stats: s, key } = current.current;
    if (!s || !belongs(v, s, click)) return;
    setReport((r) => (r && r.key === key ? { key, stats: addClickToStats(r.stats, click) } : r));
    setClicks((c) => (c.key === key ? { ...c, items: mergeClicks(c.items, [click]) } : c));
    current.current.settle();
  }, setStatus, () => {
    void current.current.refresh();
    current.current.loadClicks().catch(() => undefined);
  }), [code, setReport, setClicks]);

  const path = `/dashboard/links/${encodeURIComponent(code)}`;
  const change = (next: Partial<View>) => navigate(`${path}${viewSearch({ ...view, ...next })}`);
  const setFilter = (param: FilterParam, value: string | undefined) => {
    const filters = { ...view.filters };
    if (value === undefined) delete filters[param];
    else filters[param] = value;
    change({ filters });
  };
  const pick = (dimension: Dimension, value: string) => {
    const param = CLICK_DIMENSIONS[dimension];
    setFilter(param, view.filters[param] === value ? undefined : value);
  };

  if (missing) return <main><h1>Link not found</h1><p>No link has the code <code>{code}</code>. <a href="/dashboard" onClick={(e) => { e.preventDefault(); navigate('/dashboard'); }}>Back to all links</a></p></main>;
  if (!link) {
    return (
      <main>
        <h1 class="visually-hidden">Link {code}</h1>
        {linkFailure
          ? <p class="error" role="alert">{linkFailure} <button type="button" class="secondary" onClick={() => void loadLink()}>Retry</button></p>
          : <p class="loading">Loading…</p>}
      </main>
    );
  }

  const exportQuery = clicksParams(view, {}).toString();
  return (
    <main>
      <LinkHeader link={link} status={status} />

      <section class="card report" aria-label="Report" aria-busy={!stats && !report.failure} data-view={stats ? report.key : undefined}>
        <ViewControls view={view} onChange={change} />
        <FilterChips filters={view.filters} onRemove={(param) => setFilter(param, undefined)} onClear={() => change({ filters: {} })} />
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

      <RecentClicks code={code} clicks={report.clicks} exportQuery={exportQuery} onOlder={loadClicks} />

      <div class="columns">
        <section class="card qr" aria-label="QR code">
          <h2>QR code</h2>
          <img src={`${linkPath(code)}/qr`} alt={`QR code for ${link.shortUrl}`} width={200} height={200} />
          <p><a href={`${linkPath(code)}/qr?format=svg`} download={`${link.code}.svg`}>Download SVG</a> · <a href={`${linkPath(code)}/qr?format=png`} download={`${link.code}.png`}>Download PNG</a></p>
        </section>
        {session.role === 'admin' && (
          <LinkEditor link={link} onSaved={setLink} onDeleted={() => navigate('/dashboard')} />
        )}
      </div>
    </main>
  );
}
