/** Calendar arithmetic in IANA time zones with only Intl: correct across DST changes. */

const formatters = new Map<string, Intl.DateTimeFormat>();

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

export function localTime(ms: number, tz: string): LocalTime {
  // Intl is slow (a 30-day hourly report asks 720 times); UTC needs none of it.
  if (tz === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0 };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, tz: string): number {
  const t = localTime(ms, tz);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  return asUtc - (ms - (((ms % 60_000) + 60_000) % 60_000));
}

/**
 * The first instant whose local wall time is at or after the given one. Wall times skipped by a
 * spring-forward gap map to the end of the gap; repeated ones (fall back) to their first occurrence.
 */
export function instantOf(local: LocalTime, tz: string): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) candidates.add(wall - offsetAt(probe, tz));
  const exact = [...candidates].filter((ms) => wallClock(ms, tz) === wall).sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // In a gap: the wall time never happens; take the instant the gap ends.
  const before = wall - offsetAt(wall - 86_400_000, tz);
  const after = wall - offsetAt(wall + 86_400_000, tz);
  return gapEnd(Math.min(before, after), Math.max(before, after), tz);
}

function wallClock(ms: number, tz: string): number {
  const t = localTime(ms, tz);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
}

/** The first instant in [lo, hi] where the offset has already changed to the later one. */
function gapEnd(lo: number, hi: number, tz: string): number {
  const target = offsetAt(hi, tz);
  let a = lo;
  let b = hi;
  while (b - a > 60_000) {
    const mid = Math.floor((a + b) / 120_000) * 60_000;
    if (offsetAt(mid, tz) === target) b = mid;
    else a = mid;
  }
  return b;
}
