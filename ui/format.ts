export const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const numberFormat = new Intl.NumberFormat();
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const formatNumber = (n: number) => numberFormat.format(n);
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
