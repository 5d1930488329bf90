import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, describeFailure, linkPage, otherDomain, type Click, type Domain, type Link, type Page, type Session, type Stats } from '../api.js';
import { LinkForm } from '../components/link-form.js';
import { Sparkline } from '../components/sparkline.js';
import { TimeChart } from '../components/time-chart.js';
import { browserTimeZone, countryLabel, formatNumber, formatTime } from '../format.js';
import { useSettledRefresh } from '../live.js';
import { subscribeShared } from '../live-hub.js';
import { formatAgo } from '../relative-time.js';
import { addClickToStats } from '../stats-update.js';

const SPARK_DAYS = 7;

/** The local date `days` before today, as the API's plain dates say it. */
function localDateBefore(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

type Sort = 'created' | 'clicks';

export function Overview({ session, navigate }: { session: Session; navigate: (path: string) => void }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [ticker, setTicker] = useState<Click[]>([]);
  const [status, setStatus] = useState<'live' | 'reconnecting'>('reconnecting');
  const [links, setLinks] = useState<Link[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('created');
  const [tag, setTag] = useState('');
  const [domain, setDomain] = useState('');
  const [domains, setDomains] = useState<Domain[]>([]);
  const [sparks, setSparks] = useState<Record<string, number[]>>({});
  const query = useRef({ search, sort, tag, domain });
  query.current = { search, sort, tag, domain };
  const defaultHost = domains.find((d) => d.isDefault)?.host;
  // A link's (or click's) key in this page's maps, and its sparkline's name for the API: host/code off the default domain.
  const keyOf = (l: { code: string; domain: string }) => {
    const host = otherDomain(l.domain, defaultHost);
    return host === undefined ? l.code : `${host}/${l.code}`;
  };
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;

  useEffect(() => {
    api<{ items: Domain[] }>('/api/domains').then(({ items }) => setDomains(items), () => undefined);
  }, []);

  const [failure, setFailure] = useState<string | null>(null);
  const loadStats = useCallback(async () => {
    try {
      setStats(await api<Stats>(`/api/stats?tz=${encodeURIComponent(browserTimeZone)}`));
      setFailure(null);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }, []);

  // One request for the whole page of links, not one per link.
  const loadSparks = async (codes: string[]) => {
    const params = new URLSearchParams({ codes: codes.join(','), from: localDateBefore(SPARK_DAYS - 1), tz: browserTimeZone });
    const { items } = await api<{ items: { code: string; domain: string; clicks: number[] }[] }>(`/api/sparklines?${params}`).catch(() => ({ items: [] }));
    setSparks((current) => ({ ...current, ...Object.fromEntries(items.map((i) => [keyRef.current(i), i.clicks])) }));
  };

  const loadLinks = useCallback(async (after: string | null) => {
    const { search: q, sort: s, tag: t, domain: d } = query.current;
    const params = new URLSearchParams({ limit: '20', sort: s, ...(q && { q }), ...(t && { tag: t }), ...(d && { domain: d }), ...(after && { cursor: after }) });
    const page = await api<Page<Link>>(`/api/links?${params}`);
    setLinks((current) => (after ? [...current, ...page.items] : page.items));
    setCursor(page.nextCursor);
    if (page.items.length > 0) await loadSparks(page.items.map((l) => keyRef.current(l)));
  }, []);

  useEffect(() => { void loadStats(); }, [loadStats]);
  useEffect(() => {
    const timer = setTimeout(() => void loadLinks(null), 200);
    return () => clearTimeout(timer);
  }, [search, sort, tag, domain, defaultHost, loadLinks]);

  const settle = useSettledRefresh(loadStats);
  useEffect(() => subscribeShared<Click>('/api/live', (click) => {
    setTicker((current) => [click, ...current].slice(0, 10));
    setStats((current) => current && addClickToStats(current, click));
    const key = keyRef.current(click);
    setLinks((current) => current.map((l) => (keyRef.current(l) === key ? { ...l, clicks: l.clicks + 1 } : l)));
    // Today is the sparkline's last day.
    setSparks((current) => {
      const days = current[key];
      return days ? { ...current, [key]: [...days.slice(0, -1), (days.at(-1) ?? 0) + 1] } : current;
    });
    settle();
  }, setStatus, () => {
    void loadStats();
    void loadLinks(null);
  }), [loadStats, loadLinks, settle]);

  const pageOf = (l: { code: string; domain?: string }) => linkPage(l.code, l.domain === undefined ? undefined : otherDomain(l.domain, defaultHost));
  const open = (l: { code: string; domain?: string }) => (event: Event) => {
    event.preventDefault();
    navigate(pageOf(l));
  };

  return (
    <main>
      <div class="page-head">
        <h1>All links</h1>
        <span class="muted" data-testid="time-zone">Last 30 days · time zone {browserTimeZone}</span>
      </div>
      {failure && <p class="error" role="alert">{failure} <button type="button" class="secondary" onClick={() => void loadStats()}>Retry</button></p>}
      <section class="totals" aria-label="Last 30 days">
        <div class="card stat"><span>Clicks (30 days)</span><strong data-testid="total-clicks">{stats ? formatNumber(stats.totals.clicks) : '…'}</strong></div>
        <div class="card stat"><span>Unique visitors</span><strong>{stats ? formatNumber(stats.totals.uniqueVisitors) : '…'}</strong></div>
        <div class="card stat"><span>Humans / bots</span><strong>{stats ? `${formatNumber(stats.totals.humanClicks)} / ${formatNumber(stats.totals.botClicks)}` : '…'}</strong></div>
        <div class="card stat"><span>Live</span><strong class={`status ${status}`} data-testid="live-status">{status === 'live' ? '● live' : '○ reconnecting'}</strong></div>
      </section>

      <section class="card">
        <h2>Clicks over the last 30 days <span class="muted">({browserTimeZone})</span></h2>
        {stats && <TimeChart series={stats.timeseries} interval={stats.interval} label="Clicks per day, all links" />}
      </section>

      <div class="columns">
        <section class="card" aria-label="Live clicks">
          <h2>Live clicks</h2>
          {ticker.length === 0 ? <p class="muted">Waiting for clicks…</p> : (
            <ul class="ticker">
              {ticker.map((c) => (
                <li key={c.id}><a href={pageOf(c)} onClick={open(c)}>{c.code}</a> · {countryLabel(c.country)} · {c.browser ?? 'Unknown'} · {formatTime(c.at)}</li>
              ))}
            </ul>
          )}
        </section>
        <section class="card" aria-label="Top links">
          <h2>Top links</h2>
          <ol class="top-links">
            {(stats?.topLinks ?? []).map((t) => (
              <li key={keyOf(t)}><a href={pageOf(t)} onClick={open(t)}>{t.code}</a> <span>{formatNumber(t.clicks)}</span></li>
            ))}
          </ol>
        </section>
      </div>

      {session.role === 'admin' && <LinkForm domains={domains} onCreated={(link) => navigate(pageOf(link))} />}

      <section class="card" aria-label="Links">
        <div class="list-head">
          <h2>Links</h2>
          <label class="inline">Search <input type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} placeholder="code, URL or title" /></label>
          <label class="inline">Tag <input type="search" name="tag" list="known-tags" value={tag} onInput={(e) => setTag((e.target as HTMLInputElement).value.trim())} placeholder="any" /></label>
          <datalist id="known-tags">{(stats?.tags ?? []).filter((t) => t.key !== null).map((t) => <option key={t.key} value={t.key ?? ''} />)}</datalist>
          {domains.length > 1 && (
            <label class="inline">Domain <select name="domain" value={domain} onChange={(e) => setDomain((e.target as HTMLSelectElement).value)}>
              <option value="">any</option>
              {domains.map((d) => <option key={d.host} value={d.host}>{d.host}</option>)}
            </select></label>
          )}
          <label class="inline">Sort <select value={sort} onChange={(e) => setSort((e.target as HTMLSelectElement).value as Sort)}>
            <option value="created">Newest</option><option value="clicks">Most clicks</option>
          </select></label>
        </div>
        <div>
          <table class="links stack">
            <thead><tr><th>Code</th><th>Target</th><th class="num">Clicks</th><th>Last {SPARK_DAYS} days</th><th>Created</th></tr></thead>
            <tbody>
              {links.map((l) => (
                <tr key={keyOf(l)}>
                  <td data-label="Code"><a href={pageOf(l)} onClick={open(l)}>{l.code}</a>{otherDomain(l.domain, defaultHost) && <span class="badge">{l.domain}</span>}{l.disabled && <span class="badge">disabled</span>}</td>
                  <td data-label="Target" class="url">{l.title && <strong>{l.title} </strong>}<span>{l.url}</span></td>
                  <td data-label="Clicks" class="num" data-testid={`clicks-${keyOf(l)}`}>{formatNumber(l.clicks)}</td>
                  <td data-label={`Last ${SPARK_DAYS} days`}>{sparks[keyOf(l)] && <Sparkline clicks={sparks[keyOf(l)] as number[]} label={`Clicks per day, last ${SPARK_DAYS} days`} />}</td>
                  <td data-label="Created" class="minor"><time dateTime={l.createdAt} title={formatTime(l.createdAt)}>{formatAgo(l.createdAt)}</time></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {links.length === 0 && <p class="muted" data-testid="links-empty">{search || tag || domain ? 'No link matches.' : 'No links yet.'}</p>}
        {cursor && <button type="button" class="secondary" onClick={() => void loadLinks(cursor)}>Load more</button>}
      </section>
    </main>
  );
}
