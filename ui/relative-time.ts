const relative = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { style: 'short', numeric: 'auto' }) : undefined;

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000], ['month', 30 * 86_400_000], ['week', 7 * 86_400_000],
  ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000],
];

/** "3 hr. ago", "yesterday", "now": how long ago, in the browser's language (the exact time goes in a title). */
export function formatAgo(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (!relative) return new Date(iso).toLocaleString();
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return relative.format(Math.round(ms / size), unit);
  }
  return relative.format(0, 'second');
}
