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

export interface Link {
  code: string;
  shortUrl: string;
  url: string;
  title: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  maxClicks: number | null;
  redirectType: number;
  disabled: boolean;
  hasPassword: boolean;
  clicks: number;
}

export interface Click {
  id: number;
  code: string;
  at: string;
  ip: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
  device: string;
  bot: boolean;
  referrer: string | null;
  referrerHost: string | null;
  language: string | null;
  userAgent: string | null;
  visitorId: string;
}

export interface KeyCount {
  key: string | null;
  clicks: number;
}

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
