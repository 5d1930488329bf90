import type { KeyCount } from '../api.js';
import { countryLabel, formatNumber, keyLabel } from '../format.js';

/** One dimension as horizontal bars; every label is text, never markup. */
export function Breakdown({ title, dimension, rows }: { title: string; dimension: string; rows: KeyCount[] }) {
  const max = Math.max(1, ...rows.map((r) => r.clicks));
  return (
    <section class="card breakdown" aria-label={title}>
      <h3>{title}</h3>
      {rows.length === 0 ? <p class="muted">No clicks yet</p> : (
        <ol>
          {rows.slice(0, 8).map((row) => (
            <li key={String(row.key)}>
              <span class="bar" style={{ width: `${(row.clicks / max) * 100}%` }} />
              <span class="label">{dimension === 'countries' ? countryLabel(row.key) : keyLabel(dimension, row.key)}</span>
              <span class="value">{formatNumber(row.clicks)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
