import { useCallback, useRef, useState } from 'preact/hooks';
import { api, describeFailure, type Click, type KeyCount, type Page, type Stats } from '../api.js';
import { mergeClicks } from '../components/clicks-table.js';
import type { Dimension } from '../view/filters.js';
import { clicksParams, reportParams, viewSearch, type View } from '../view/view-state.js';

export const BREAKDOWN_LIMIT = 10;
const FULL_LIMIT = 1000;
const CLICKS_PAGE = 50;

export interface ClickList {
  readonly key: string;
  readonly items: Click[];
  readonly cursor: string | null;
}

/**
 * A link's report and click log for one view, read under `base` (`/api/links/{code}`, or a share's
 * `/share/{id}`). Each result is tagged with the view it answers, so
 * a page never shows figures of another range under the controls of this one; answers to a view
 * left meanwhile are dropped.
 */
export function useLinkReport(base: string, view: View, scope: Readonly<Record<string, string>> = {}) {
  // Parameters every request carries (a link's domain).
  const scoped = (params: URLSearchParams) => {
    for (const [name, value] of Object.entries(scope)) params.set(name, value);
    return params;
  };
  const key = viewSearch(view);
  const viewRef = useRef(view);
  viewRef.current = view;
  const [report, setReport] = useState<{ key: string; stats: Stats } | null>(null);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);
  const [clicks, setClicks] = useState<ClickList>({ key: 'none yet', items: [], cursor: null });
  const statsRun = useRef(0);
  const clicksRun = useRef(0);

  const loadStats = useCallback(async () => {
    const run = ++statsRun.current;
    try {
      const stats = await api<Stats>(`${base}/stats?${scoped(reportParams(viewRef.current, { limit: String(BREAKDOWN_LIMIT) }))}`);
      if (run !== statsRun.current) return;
      setReport({ key, stats });
      setFailure(null);
    } catch (error) {
      if (run === statsRun.current) setFailure({ key, message: describeFailure(error) });
    }
  }, [base, key]);

  /** The newest page (replacing a list of another view, merged into this one's), or the next older one. */
  const loadClicks = useCallback(async (older: string | null = null) => {
    const run = ++clicksRun.current;
    const params = clicksParams(viewRef.current, { limit: String(CLICKS_PAGE), ...(older && { cursor: older }) });
    const page = await api<Page<Click>>(`${base}/clicks?${scoped(params)}`);
    if (run !== clicksRun.current) return;
    setClicks((current) => {
      if (current.key !== key) return { key, items: page.items, cursor: page.nextCursor };
      return { key, items: mergeClicks(current.items, page.items), cursor: older ? page.nextCursor : current.cursor };
    });
  }, [base, key]);

  const loadAll = useCallback(async (dimension: Dimension): Promise<KeyCount[]> => {
    // Without the comparison: only the entries are wanted.
    const stats = await api<Stats>(`${base}/stats?${scoped(reportParams({ ...viewRef.current, compare: '' }, { limit: String(FULL_LIMIT) }))}`);
    return stats[dimension];
  }, [base]);

  return {
    key,
    /** The report of this view, or null while it loads. */
    stats: report?.key === key ? report.stats : null,
    /** Why this view's report could not be read (its last figures, if any, may be stale). */
    failure: failure?.key === key ? failure.message : null,
    clicks: clicks.key === key ? clicks : { key, items: [], cursor: null },
    loadStats,
    loadClicks,
    loadAll,
    setReport,
    setClicks,
  };
}
