import { useEffect, useState } from 'preact/hooks';
import { api, describeFailure, type Click, type KeyCount, type Page, type TimeSeries, type Totals } from '../api.js';
import { TimeChart } from '../components/time-chart.js';
import { browserTimeZone, countryLabel, formatNumber, formatTime } from '../format.js';

const TYPES = [['base_url', 'Base URL'], ['invalid_code', 'Unknown codes'], ['regular_404', 'Other 404s']] as const;
type OrphanType = (typeof TYPES)[number][0];
const typeName = (type: OrphanType) => TYPES.find(([t]) => t === type)?.[1] ?? type;

/** An orphan visit as /api/orphan-visits/clicks gives it: a click's fields without link or target. */
type OrphanVisitView = Omit<Click, 'code' | 'target'> & { type: OrphanType; path: string };

interface OrphanStats {
  interval: string;
  totals: Totals;
  timeseries: TimeSeries;
  types: KeyCount[];
  countries: KeyCount[];
  referrers: KeyCount[];
}

/** Visits no link answered over 30 days: totals, chart, by type, and the latest, optionally of one type. */
export function OrphansPage() {
  const [type, setType] = useState<OrphanType | undefined>(undefined);
  const [stats, setStats] = useState<OrphanStats | undefined>(undefined);
  const [visits, setVisits] = useState<Page<OrphanVisitView> | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const query = `tz=${encodeURIComponent(browserTimeZone)}${type ? `&type=${type}` : ''}`;

  useEffect(() => {
    let current = true;
    setStats(undefined);
    setVisits(undefined);
    Promise.all([
      api<OrphanStats>(`/api/orphan-visits/stats?${query}`),
      api<Page<OrphanVisitView>>(`/api/orphan-visits/clicks?limit=50${type ? `&type=${type}` : ''}`),
    ]).then(([s, v]) => {
      if (!current) return;
      setStats(s);
      setVisits(v);
      setError(undefined);
    }, (e: unknown) => current && setError(describeFailure(e)));
    return () => { current = false; };
  }, [query, type]);

  async function older(cursor: string) {
    const more = await api<Page<OrphanVisitView>>(`/api/orphan-visits/clicks?limit=50&cursor=${encodeURIComponent(cursor)}${type ? `&type=${type}` : ''}`);
    setVisits((shown) => ({ items: [...(shown?.items ?? []), ...more.items], nextCursor: more.nextCursor }));
  }

  const count = (t: OrphanType) => stats?.types.find((k) => k.key === t)?.clicks ?? 0;
  return (
    <main>
      <section class="card" aria-label="Orphan visits">
        <h1>Orphan visits</h1>
        <p class="muted">Requests no link answered in the last 30 days: the base URL, codes that name no link, other missing pages.</p>
        <div class="list-head" role="group" aria-label="Type">
          <button type="button" class={type === undefined ? '' : 'secondary'} aria-pressed={type === undefined} onClick={() => setType(undefined)}>All</button>
          {TYPES.map(([t, name]) => (
            <button key={t} type="button" class={type === t ? '' : 'secondary'} aria-pressed={type === t} data-testid={`orphan-type-${t}`} onClick={() => setType(t)}>
              {name}{stats && type === undefined ? ` (${formatNumber(count(t))})` : ''}
            </button>
          ))}
        </div>
        {error && <p class="error" role="alert">{error}</p>}
        {!stats && !error && <p class="loading">Loading…</p>}
        {stats && (
          <>
            <p data-testid="orphan-totals">
              <strong>{formatNumber(stats.totals.clicks)}</strong> visits, {formatNumber(stats.totals.uniqueVisitors)} unique visitors,
              {' '}{formatNumber(stats.totals.botClicks)} from bots
            </p>
            <TimeChart series={stats.timeseries} interval={stats.interval} label="Orphan visits" />
            <p class="muted">
              Countries: {stats.countries.slice(0, 5).map((k) => `${countryLabel(k.key)} ${formatNumber(k.clicks)}`).join(', ') || '-'}
              {' · '}Referrers: {stats.referrers.slice(0, 5).map((k) => `${k.key ?? 'direct'} ${formatNumber(k.clicks)}`).join(', ') || '-'}
            </p>
          </>
        )}
      </section>
      {visits && (
        <section class="card" aria-label="Latest orphan visits">
          <h2>Latest</h2>
          <table class="stack">
            <thead><tr><th>Time</th><th>Type</th><th>Path</th><th>Country</th><th>Browser</th><th>Referrer</th></tr></thead>
            <tbody>
              {visits.items.map((v) => (
                <tr key={v.id}>
                  <td data-label="Time">{formatTime(v.at)}</td>
                  <td data-label="Type">{typeName(v.type)}</td>
                  <td data-label="Path" class="url">{v.path}</td>
                  <td data-label="Country">{countryLabel(v.country)}</td>
                  <td data-label="Browser">{v.bot ? `${v.browser ?? '-'} (bot)` : v.browser ?? '-'}</td>
                  <td data-label="Referrer">{v.referrerHost ?? 'direct'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {visits.items.length === 0 && <p class="muted">None yet.</p>}
          {visits.nextCursor && <button type="button" class="secondary" onClick={() => void older(visits.nextCursor as string)}>Older visits</button>}
        </section>
      )}
    </main>
  );
}
