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
/** A click as a share's live stream carries it (no IP, user agent, visitor id or referrer URL). */
export type { SharedClickView as SharedClick } from '../src/core/shares/shared-click-view.js';
export type { KeyCount } from '../src/core/analytics/analytics-store.js';
import type { KeyCount } from '../src/core/analytics/analytics-store.js';

import type { Dimension } from '../src/core/analytics/analytics-store.js';

export interface Totals {
  clicks: number;
  humanClicks: number;
  botClicks: number;
  uniqueVisitors: number;
}

export type TimeSeries = { t: string; clicks: number; uniqueVisitors: number }[];

export type Stats = {
  code: string | null;
  from: string;
  to: string;
  interval: string;
  tz: string;
  /** The filters the report applied, as parameters would say them (canonical case). */
  filters: Record<string, string[]>;
  totals: Totals;
  timeseries: TimeSeries;
  topLinks?: { code: string; domain: string; clicks: number }[];
  /** Over all links: clicks by tag. */
  tags?: KeyCount[];
  previous?: { from: string; to: string; totals: Totals; timeseries: TimeSeries };
} & Record<Dimension, KeyCount[]>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Share {
  id: string;
  url: string;
  linkCode: string;
  createdAt: string;
  expiresAt: string | null;
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

export type { DomainEntry as Domain } from '../src/core/links/domain.js';

/**
 * An API path of a link (`sub`: /stats, /qr…) with `query`, and `domain=` for a link that lives on
 * another domain than the default (`domain` undefined: the default).
 */
export function linkApi(code: string, domain: string | undefined, sub = '', query: string | URLSearchParams = ''): string {
  const q = new URLSearchParams(query);
  if (domain) q.set('domain', domain);
  const text = q.toString();
  return `${linkPath(code)}${sub}${text ? `?${text}` : ''}`;
}

/** A link's dashboard page: `?domain=` names its host unless it lives on the default domain. */
export const linkPage = (code: string, domain: string | undefined) =>
  `/dashboard/links/${encodeURIComponent(code)}${domain ? `?domain=${encodeURIComponent(domain)}` : ''}`;

/** The host a link or click lives on, or undefined for the default domain. */
export const otherDomain = (domain: string, defaultHost: string | undefined) => (defaultHost === undefined || domain === defaultHost ? undefined : domain);

/** A failure in words: the server's own message, or that it could not be reached. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) return error.status >= 500 ? `The server cannot answer right now (${error.status}): ${error.message}` : error.message;
  return 'Cannot reach the server. Is it running?';
}
