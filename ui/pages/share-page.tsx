import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SharedClick } from '../api.js';
import { ReportBody } from '../components/report-body.js';
import { useSettledRefresh } from '../live.js';
import { subscribeShared } from '../live-hub.js';
import { addClickToStats } from '../stats-update.js';
import { belongs } from '../view/belongs.js';
import { parseView, viewSearch, type View } from '../view/view-state.js';
import { useLinkReport } from './use-link-report.js';

/**
 * A shared report: read-only, no sign-in; its data comes from the share's own public endpoints, which
 * carry nothing that identifies a visitor. It says so when the share is revoked or expires.
 */
export function SharePage({ id, search, navigate }: { id: string; search: string; navigate: (path: string) => void }) {
  const base = `/share/${encodeURIComponent(id)}`;
  const view = useMemo(() => parseView(search), [search]);
  const [status, setStatus] = useState<'live' | 'reconnecting'>('reconnecting');
  const [gone, setGone] = useState(false);
  const report = useLinkReport(base, view);
  const { stats, loadStats, setReport } = report;

  // A lost stream may mean the share ended: ask, and stop there if so.
  const checkGone = useCallback(async () => {
    const res = await fetch(`${base}/stats?limit=1`, { headers: { accept: 'application/json' } }).catch(() => undefined);
    if (res?.status === 404) setGone(true);
  }, [base]);

  useEffect(() => { void loadStats(); }, [loadStats]);
  useEffect(() => {
    if (report.failure) void checkGone();
  }, [report.failure, checkGone]);
  const settle = useSettledRefresh(loadStats);

  const current = useRef({ view, stats, key: report.key, settle, loadStats });
  current.current = { view, stats, key: report.key, settle, loadStats };
  useEffect(() => {
    if (gone) return undefined;
    return subscribeShared<SharedClick>(`${base}/live`, (click) => {
      const { view: v, stats: s, key } = current.current;
      if (!s || !belongs(v, s, click)) return;
      setReport((r) => (r && r.key === key ? { key, stats: addClickToStats(r.stats, click) } : r));
      current.current.settle();
    }, (next) => {
      setStatus(next);
      if (next === 'reconnecting') void checkGone();
    }, () => void current.current.loadStats());
  }, [base, gone, setReport, checkGone]);

  if (gone) {
    return (
      <main>
        <section class="card" role="alert">
          <h1>This report is no longer shared</h1>
          <p>The share was revoked or has expired. Ask whoever sent it for a new link.</p>
        </section>
      </main>
    );
  }

  const change = (next: Partial<View>) => navigate(`${base}${viewSearch({ ...view, ...next })}`);
  return (
    <main>
      <section class="card page-head">
        <h1>Report of <span data-testid="shared-code">{stats?.code ?? '…'}</span></h1>
        <span class="read-only">Shared, read only</span>
        <span class={`status ${status}`} data-testid="live-status">{status === 'live' ? '● live' : '○ reconnecting'}</span>
      </section>
      <ReportBody view={view} report={report} onChange={change} />
    </main>
  );
}
