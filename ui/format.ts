export const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const numberFormat = new Intl.NumberFormat();
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const changeFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
// The zone is part of a time: clicks come from everywhere, and the report's buckets are local.
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long', timeZone: browserTimeZone });

export const formatNumber = (n: number) => numberFormat.format(n);
/** Axis ticks: in full below 10,000, all compact (5K, 10K) from there on, so a label always fits. */
export function formatAxisNumbers(ticks: number[]): string[] {
  const compact = ticks.some((n) => Math.abs(n) >= 10_000);
  return ticks.map((n) => (compact ? compactFormat : numberFormat).format(n));
}
export const formatShare = (part: number, whole: number) => percentFormat.format(whole > 0 ? part / whole : 0);
/** The change from `before` to `now`, or undefined where there was nothing before to compare with. */
export const formatChange = (now: number, before: number) => (before > 0 ? changeFormat.format((now - before) / before) : undefined);
export const formatTime = (iso: string) => timeFormat.format(new Date(iso));

export const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

/** Breakdown keys that are null mean "not told": say so in words. */
export function keyLabel(dimension: string, key: string | null): string {
  if (key !== null) return key;
  return dimension === 'referrers' ? 'Direct / none' : 'Unknown';
}

const COUNTRY_NAMES = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'region' }) : undefined;

export function countryLabel(code: string | null): string {
  if (code === null) return 'Unknown';
  try {
    return `${COUNTRY_NAMES?.of(code) ?? code} (${code})`;
  } catch {
    return code;
  }
}
