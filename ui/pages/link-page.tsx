import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, linkPath, type Click, type Link, type Page, type Session, type Stats } from '../api.js';
import { Breakdown } from '../components/breakdown.js';
import { ClicksTable, mergeClicks } from '../components/clicks-table.js';
import { LinkEditor } from '../components/link-editor.js';
import { TimeChart } from '../components/time-chart.js';
import { browserTimeZone, formatNumber, plural } from '../format.js';
import { subscribeClicks, useSettledRefresh } from '../live.js';
import { addClickToStats } from '../stats-update.js';

const RANGES = { '24h': 1, '7d': 7, '30d': 30 } as const;
type Range = keyof typeof RANGES | 'custom';

const BREAKDOWNS = [
  ['countries', 'Countries'], ['referrers', 'Referrers'], ['browsers', 'Browsers'],
  ['os', 'Operating systems'], ['devices', 'Devices'], ['languages', 'Languages'],
] as const;

export function LinkPage({ code, session, navigate }: { code: string; session: Session; navigate: (path: string) => void }) {
  const [link, setLink] = useState<Link | null>(null);
  const [missing, setMissing] = useState(false);
  const [stats, setStats] = useState<Stats | null>(null);
  const [clicks, setClicks] = useState<Click[]>([]);
  const [status, setStatus] = useState<'live' | 'reconnecting'>('reconnecting');
  const [range, setRange] = useState<Range>('7d');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [interval, setIntervalChoice] = useState('');
  const [bots, setBots] = useState('include');
  const [copied, setCopied] = useState(false);

  const statsQuery = useCallback(() => {
    const params = new URLSearchParams({ tz: browserTimeZone, bots });
    if (range === 'custom') {
      if (custom.from) params.set('from', custom.from);
      if (custom.to) params.set('to', custom.to);
    } else {
      params.set('from', new Date(Date.now() - RANGES[range] * 86_400_000).toISOString());
    }
    if (interval) params.set('interval', interval);
    return params;
  }, [range, custom, interval, bots]);

  const load = useCallback(async () => {
    try {
      const [l, s, page] = await Promise.all([
        api<Link>(linkPath(code)),
        api<Stats>(`${linkPath(code)}/stats?${statsQuery()}`),
        api<Page<Click>>(`${linkPath(code)}/clicks?limit=50`),
      ]);
      setLink(l);
      setStats(s);
      setClicks((current) => mergeClicks(current, page.items));
    } catch (error) {
      if ((error as { status?: number }).status === 404) setMissing(true);
    }
  }, [code, statsQuery]);

  useEffect(() => { void load(); }, [load]);
  const settle = useSettledRefresh(load);

  useEffect(() => subscribeClicks(`${linkPath(code)}/live`, (click) => {
    setClicks((current) => mergeClicks(current, [click]));
    setLink((current) => current && { ...current, clicks: current.clicks + 1 });
    setStats((current) => current && (bots === 'exclude' && click.bot ? current : addClickToStats(current, click)));
    settle();
  }, setStatus, () => void load()), [code, load, bots, settle]);

  if (missing) return <main><p>No link has the code <code>{code}</code>. <a href="/dashboard" onClick={(e) => { e.preventDefault(); navigate('/dashboard'); }}>Back to all links</a></p></main>;
  if (!link) return <main><p class="loading">Loading…</p></main>;

  async function copy() {
    if (!link) return;
    await navigator.clipboard.writeText(link.shortUrl).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }

  const qr = `${linkPath(code)}/qr`;
  return (
    <main>
      <section class="card link-head">
        <div>
          <h1>{link.title ?? link.code} {link.disabled && <span class="badge">disabled</span>}</h1>
          <p class="short">
            <a href={link.shortUrl} target="_blank" rel="noopener noreferrer" data-testid="short-url">{link.shortUrl}</a>
            <button type="button" class="secondary" onClick={() => void copy()} aria-live="polite">{copied ? 'Copied' : 'Copy'}</button>
          </p>
          <p class="target">→ <span data-testid="target-url">{link.url}</span></p>
          {link.tags.length > 0 && <p class="tags">{link.tags.map((t) => <span class="tag" key={t}>{t}</span>)}</p>}
        </div>
        <div class="counter">
          <strong data-testid="live-counter">{formatNumber(link.clicks)}</strong>
          <span>clicks in all</span>
          <span class={`status ${status}`} data-testid="live-status">{status === 'live' ? '● live' : '○ reconnecting'}</span>
        </div>
      </section>

      <section class="card">
        <div class="controls">
          <div role="group" aria-label="Range">
            {(['24h', '7d', '30d', 'custom'] as const).map((r) => (
              <button type="button" key={r} class={range === r ? 'chip active' : 'chip'} aria-pressed={range === r} onClick={() => setRange(r)}>{r}</button>
            ))}
          </div>
          {range === 'custom' && (
            <>
              <label class="inline">From <input type="date" value={custom.from} onChange={(e) => setCustom({ ...custom, from: (e.target as HTMLInputElement).value })} /></label>
              <label class="inline">To <input type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: (e.target as HTMLInputElement).value })} /></label>
            </>
          )}
          <label class="inline">Interval <select value={interval} onChange={(e) => setIntervalChoice((e.target as HTMLSelectElement).value)}>
            <option value="">auto</option>
            {['minute', 'hour', 'day', 'week', 'month'].map((i) => <option key={i} value={i}>{i}</option>)}
          </select></label>
          <label class="inline">Bots <select value={bots} onChange={(e) => setBots((e.target as HTMLSelectElement).value)}>
            <option value="include">included</option><option value="exclude">excluded</option><option value="only">only</option>
          </select></label>
        </div>
        {stats && (
          <>
            <p class="summary">
              <span data-testid="range-clicks">{formatNumber(stats.totals.clicks)}</span> {plural(stats.totals.clicks, 'click')} ·
              {' '}{formatNumber(stats.totals.uniqueVisitors)} unique {plural(stats.totals.uniqueVisitors, 'visitor')} ·
              {' '}{formatNumber(stats.totals.botClicks)} from bots · per {stats.interval}, {stats.tz}
            </p>
            <TimeChart series={stats.timeseries} label={`Clicks per ${stats.interval}`} />
          </>
        )}
      </section>

      <div class="grid">
        {stats && BREAKDOWNS.map(([key, title]) => <Breakdown key={key} title={title} dimension={key} rows={stats[key]} />)}
      </div>

      <section class="card" aria-label="Recent clicks">
        <div class="list-head">
          <h2>Recent clicks</h2>
          <a class="button secondary" href={`${linkPath(code)}/clicks/export?format=csv`} download>Export CSV</a>
          <a class="button secondary" href={`${linkPath(code)}/clicks/export?format=ndjson`} download>Export NDJSON</a>
        </div>
        <ClicksTable clicks={clicks} />
      </section>

      <div class="columns">
        <section class="card qr" aria-label="QR code">
          <h2>QR code</h2>
          <img src={qr} alt={`QR code for ${link.shortUrl}`} width={200} height={200} />
          <p><a href={`${qr}?format=svg`} download={`${link.code}.svg`}>Download SVG</a> · <a href={`${qr}?format=png`} download={`${link.code}.png`}>Download PNG</a></p>
        </section>
        {session.role === 'admin' && (
          <LinkEditor link={link} onSaved={setLink} onDeleted={() => navigate('/dashboard')} />
        )}
      </div>
    </main>
  );
}
