import type { Click } from '../api.js';
import { browserTimeZone, countryLabel, formatTime } from '../format.js';

/**
 * Clicks, newest first; referrers and user agents are attacker-written, so they are text only.
 * On a phone the table stacks (see styles.css) rather than scroll sideways.
 */
export function ClicksTable({ clicks }: { clicks: Click[] }) {
  if (clicks.length === 0) return <p class="muted">No clicks in this view. Share the short link and watch them arrive.</p>;
  return (
    <div class="table-scroll">
    <table class="clicks stack">
      <thead>
        <tr><th>Time ({browserTimeZone})</th><th>IP</th><th>Country</th><th>Browser</th><th>OS</th><th>Device</th><th>Referrer</th><th>Bot</th></tr>
      </thead>
      <tbody>
        {clicks.map((c) => (
          <tr key={c.id} data-click-id={c.id} title={c.userAgent ?? ''}>
            <td data-label="Time">{formatTime(c.at)}</td>
            <td data-label="IP" class="minor">{c.ip ?? '—'}</td>
            <td data-label="Country">{countryLabel(c.country)}</td>
            <td data-label="Browser">{c.browser ?? '—'}</td>
            <td data-label="OS" class="minor">{c.os ?? '—'}</td>
            <td data-label="Device" class="minor">{c.device}</td>
            <td data-label="Referrer" class="referrer">{c.referrer ?? 'Direct'}</td>
            <td data-label="Bot" class="minor">{c.bot ? 'yes' : 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

/** Newest first, each click once (live events, refetches and older pages may overlap). */
export function mergeClicks(current: Click[], incoming: Click[]): Click[] {
  const byId = new Map<number, Click>();
  for (const c of [...incoming, ...current]) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}
