/** Same-origin calls to the LinkPulse API; the HttpOnly session cookie authenticates them. */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly errors: FieldError[] = []) {
    super(message);
  }
}

// The API's own shapes, imported as types only (nothing of the server is bundled).
export type { LinkView as Link } from '../src/core/links/link-view.js';
export type { ClickView as Click } from '../src/core/clicks/click-view.js';
export type { KeyCount } from '../src/core/analytics/analytics-store.js';
import type { KeyCount } from '../src/core/analytics/analytics-store.js';

export interface Stats {
  code: string | null;
  from: string;
  to: string;
  interval: string;
  tz: string;
  totals: { clicks: number; humanClicks: number; botClicks: number; uniqueVisitors: number };
  timeseries: { t: string; clicks: number; uniqueVisitors: number }[];
  countries: KeyCount[];
  referrers: KeyCount[];
  browsers: KeyCount[];
  os: KeyCount[];
  devices: KeyCount[];
  languages: KeyCount[];
  topLinks?: { code: string; clicks: number }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Session {
  role: 'admin' | 'viewer';
  keyId: string;
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(path, {
    credentials: 'same-origin',
    ...rest,
    headers: { accept: 'application/json', ...(json !== undefined && { 'content-type': 'application/json' }), ...rest.headers },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const problem = (body ?? {}) as { detail?: string; title?: string; errors?: FieldError[] };
    throw new ApiError(res.status, problem.detail ?? problem.title ?? `HTTP ${res.status}`, problem.errors ?? []);
  }
  return body as T;
}

export const linkPath = (code: string) => `/api/links/${encodeURIComponent(code)}`;
