import type { Click } from '../api.js';
import { countryLabel, formatTime } from '../format.js';

/** The most recent clicks; referrers and user agents are attacker-written, so they are text only. */
export function ClicksTable({ clicks }: { clicks: Click[] }) {
  if (clicks.length === 0) return <p class="muted">No clicks yet. Share the short link and watch them arrive.</p>;
  return (
    <div class="table-scroll">
      <table class="clicks">
        <thead>
          <tr><th>Time</th><th>IP</th><th>Country</th><th>Browser</th><th>OS</th><th>Device</th><th>Referrer</th><th>Bot</th></tr>
        </thead>
        <tbody>
          {clicks.map((c) => (
            <tr key={c.id} data-click-id={c.id} title={c.userAgent ?? ''}>
              <td>{formatTime(c.at)}</td>
              <td>{c.ip ?? '—'}</td>
              <td>{countryLabel(c.country)}</td>
              <td>{c.browser ?? '—'}</td>
              <td>{c.os ?? '—'}</td>
              <td>{c.device}</td>
              <td class="referrer">{c.referrer ?? 'Direct'}</td>
              <td>{c.bot ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Newest first, each click once (live events and refetches may overlap). */
export function mergeClicks(current: Click[], incoming: Click[], limit = 50): Click[] {
  const byId = new Map<number, Click>();
  for (const c of [...incoming, ...current]) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
}
