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
  const parsed = JSON.parse(text) as Record<string, Record<string, number> | undefined>;
  return DIMENSIONS.map((dimension) => new Map(Object.entries(parsed[dimension] ?? {}).map(([key, n]) => [key === '' ? null : key, n])));
}
