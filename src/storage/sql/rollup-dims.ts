import { DIMENSIONS } from '../../core/analytics/analytics-store.js';

/** Dimension counts as stored: {"countries": {"FR": 2, "": 1}, …}; '' is "did not tell". */
export function encodeDims(dims: readonly Map<string | null, number>[]): string {
  const out: Record<string, Record<string, number>> = {};
  dims.forEach((counts, d) => {
    const entries: Record<string, number> = {};
    for (const [key, n] of counts) if (n !== 0) entries[key ?? ''] = n;
    out[DIMENSIONS[d] as string] = entries;
  });
  return JSON.stringify(out);
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
    const counts = parsed[dimension];
    const target = into[d];
    if (!counts || !target) return;
    for (const key in counts) {
      const k = key === '' ? null : key;
      target.set(k, (target.get(k) ?? 0) + (counts[key] as number));
    }
  });
}
