import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, describeFailure, linkApi, linkPage, linkPath, type Click, type Link, type Session } from '../api.js';
import { mergeClicks } from '../components/clicks-table.js';
import { LinkEditor } from '../components/link-editor.js';
import { LinkHeader } from '../components/link-header.js';
import { RecentClicks } from '../components/recent-clicks.js';
import { ReportBody } from '../components/report-body.js';
import { SharePanel } from '../components/share-panel.js';
import { useSettledRefresh } from '../live.js';
import { subscribeShared } from '../live-hub.js';
import { addClickToStats } from '../stats-update.js';
import { belongs } from '../view/belongs.js';
import { clicksParams, parseView, viewSearch, type View } from '../view/view-state.js';
import { useLinkReport } from './use-link-report.js';

interface LinkPageProps {
  code: string;
  /** The host the link lives on (`?domain=` of the page); undefined: the default domain. */
  domain: string | undefined;
  session: Session;
  search: string;
  navigate: (path: string) => void;
}

export function LinkPage({ code, domain, session, search, navigate }: LinkPageProps) {
  // `domain` in the page's query names the link's host, not a filter: a link lives on one domain.
  const view = useMemo(() => {
    const q = new URLSearchParams(search);
    q.delete('domain');
    return parseView(q.toString());
  }, [search]);
  const [link, setLink] = useState<Link | null>(null);
  const [linkFailure, setLinkFailure] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [status, setStatus] = useState<'live' | 'reconnecting'>('reconnecting');
  const report = useLinkReport(linkPath(code), view, domain ? { domain } : {});
  const { stats, loadStats, loadClicks, setReport, setClicks } = report;

  const loadLink = useCallback(async () => {
    try {
      setLink(await api<Link>(linkApi(code, domain)));
      setLinkFailure(null);
    } catch (error) {
      if ((error as { status?: number }).status === 404) setMissing(true);
      else setLinkFailure(describeFailure(error));
    }
  }, [code, domain]);

  useEffect(() => { void loadLink(); }, [loadLink]);
  useEffect(() => { void loadStats(); }, [loadStats]);
  useEffect(() => { loadClicks().catch(() => undefined); }, [loadClicks]);

  const refresh = useCallback(async () => { await Promise.all([loadLink(), loadStats()]); }, [loadLink, loadStats]);
  const settle = useSettledRefresh(refresh);

  // One stream of all clicks, shared by every dashboard tab (see live-hub); this link's are picked
  // here and the view applied, so the counter of all clicks moves too, and a view change needs no
  // new connection.
  const current = useRef({ view, stats, key: report.key, settle, refresh, loadClicks, host: link?.domain });
  current.current = { view, stats, key: report.key, settle, refresh, loadClicks, host: link?.domain };
  useEffect(() => subscribeShared<Click>('/api/live', (click) => {
    if (click.code !== code || (current.current.host !== undefined && click.domain !== current.current.host)) return;
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

  const path = linkPage(code, domain);
  const change = (next: Partial<View>) => {
    const search = viewSearch({ ...view, ...next });
    navigate(`${path}${search === '' ? '' : `${domain ? '&' : '?'}${search.slice(1)}`}`);
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

  const exportQuery = clicksParams(view, domain ? { domain } : {}).toString();
  return (
    <main>
      <LinkHeader link={link} status={status} />

      <ReportBody view={view} report={report} onChange={change} />

      <RecentClicks code={code} clicks={report.clicks} exportQuery={exportQuery} onOlder={loadClicks} />

      <div class="columns">
        <section class="card qr" aria-label="QR code">
          <h2>QR code</h2>
          <img src={linkApi(code, domain, '/qr')} alt={`QR code for ${link.shortUrl}`} width={200} height={200} />
          <p><a href={linkApi(code, domain, '/qr', 'format=svg')} download={`${link.code}.svg`}>Download SVG</a> · <a href={linkApi(code, domain, '/qr', 'format=png')} download={`${link.code}.png`}>Download PNG</a></p>
        </section>
        {session.role === 'admin' && (
          <LinkEditor link={link} domain={domain} onSaved={setLink} onDeleted={() => navigate('/dashboard')} />
        )}
      </div>
      {session.role === 'admin' && <SharePanel code={code} domain={domain} />}
    </main>
  );
}
