import { useEffect, useRef, useState } from 'preact/hooks';
import type { KeyCount } from '../api.js';
import { WorldMap } from './world-map.js';

interface CountryMapProps {
  /** The report's countries: its first `limit`, plus those live clicks added. */
  rows: KeyCount[];
  limit: number;
  total: number;
  active: string | undefined;
  onPick: (code: string) => void;
  /** Every country of the view (a report with a larger limit). */
  loadAll: () => Promise<KeyCount[]>;
}

/**
 * The world map of a view's countries. A report names its top countries only: when it may have left
 * some out, the whole list is read once (the card is remounted for each view), and live clicks keep
 * moving the counts the report holds.
 */
export function CountryMap({ rows, limit, total, active, onPick, loadAll }: CountryMapProps) {
  const complete = rows.length < limit;
  const [all, setAll] = useState<KeyCount[] | null>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (complete || asked.current) return;
    asked.current = true;
    loadAll().then(setAll, () => undefined);
  }, [complete, loadAll]);

  let shown = rows;
  if (!complete && all !== null) {
    const clicks = new Map(all.map((r) => [r.key, r.clicks]));
    for (const r of rows) clicks.set(r.key, Math.max(r.clicks, clicks.get(r.key) ?? 0));
    shown = [...clicks].map(([key, n]) => ({ key, clicks: n }));
  }
  return <WorldMap rows={shown} total={total} active={active} onPick={onPick} />;
}
