import { useState } from 'preact/hooks';
import { linkPath } from '../api.js';
import type { ClickList } from '../pages/use-link-report.js';
import { ClicksTable } from './clicks-table.js';

/** The click log of the view, newest first, paging back through all of it; exports of the link. */
export function RecentClicks({ code, clicks, exportQuery, onOlder }: { code: string; clicks: ClickList; exportQuery: string; onOlder: (cursor: string) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function older(cursor: string) {
    setBusy(true);
    try {
      await onOlder(cursor);
      setFailed(false);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card" aria-label="Recent clicks">
      <div class="list-head">
        <h2>Recent clicks</h2>
        <a class="button secondary" href={`${linkPath(code)}/clicks/export?format=csv&${exportQuery}`} download>Export CSV</a>
        <a class="button secondary" href={`${linkPath(code)}/clicks/export?format=ndjson&${exportQuery}`} download>Export NDJSON</a>
      </div>
      <ClicksTable clicks={clicks.items} />
      {failed && <p class="error" role="alert">Could not load older clicks.</p>}
      {clicks.cursor && (
        <button type="button" class="secondary" disabled={busy} data-testid="older-clicks" onClick={() => void older(clicks.cursor as string)}>
          {busy ? 'Loading…' : `Older clicks (${clicks.items.length} shown)`}
        </button>
      )}
    </section>
  );
}
