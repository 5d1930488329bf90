import { DIMENSIONS } from '../../core/analytics/analytics-store.js';

// Keys that JSON.stringify would quote as they are.
const PLAIN_KEY = /^[\w .:/+()-]*$/;

/**
 * Dimension counts as stored: {"countries": {"FR": 2, "": 1}, …}; '' is "did not tell". Written out
 * by hand: the roller encodes every hour row it writes, and objects of a few hundred keys cost
 * JSON.stringify about half again as much (by hand).
 */
export function encodeDims(dims: readonly Map<string | null, number>[]): string {
  let out = '{';
  dims.forEach((counts, d) => {
    out += `${d > 0 ? ',' : ''}"${DIMENSIONS[d] as string}":{`;
    let first = true;
    for (const [key, n] of counts) {
      if (n === 0) continue;
      const k = key ?? '';
      out += `${first ? '' : ','}${PLAIN_KEY.test(k) ? `"${k}"` : JSON.stringify(k)}:${n}`;
      first = false;
    }
    out += '}';
  });
  return `${out}}`;
}

export function addDims(into: Map<string | null, number>[], from: readonly Map<string | null, number>[], sign = 1): void {
  from.forEach((counts, d) => {
    const target = into[d];
    if (target) for (const [key, n] of counts) target.set(key, (target.get(key) ?? 0) + sign * n);
  });
}

export function decodeDims(text: string): Map<string | null, number>[] {
  const dims = DIMENSIONS.map(() => new Map<string | null, number>());
  addEncodedDims(dims, text);
  return dims;
}

/** Adds stored counts without building maps of their own: reports sum over a thousand hours of them. */
export function addEncodedDims(into: Map<string | null, number>[], text: string): void {
  const parsed = JSON.parse(text) as Record<string, Record<string, number> | undefined>;
  DIMENSIONS.forEach((dimension, d) => {
    const target = into[d];
    if (!target) return;
    // Rows written before a dimension existed: all their clicks did not tell it.
    const counts = parsed[dimension] ?? { '': sumOf(parsed.devices) };
    for (const key in counts) {
      const k = key === '' ? null : key;
      target.set(k, (target.get(k) ?? 0) + (counts[key] as number));
    }
  });
}

function sumOf(counts: Record<string, number> | undefined): number {
  let sum = 0;
  for (const key in counts) sum += counts[key] as number;
  return sum;
}
