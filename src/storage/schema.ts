import type { Generated } from 'kysely';

/** Row types: they never leave `storage/`. Times are epoch ms; booleans are 0/1 on both databases. */
export interface LinksTable {
  id: Generated<number>;
  code: string;
  /** The host the link lives on; '' the default domain (the base URL's host). */
  domain: Generated<string>;
  url: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  max_clicks: number | null;
  redirect_type: number;
  disabled: number;
  password_hash: string | null;
  fallback_url: string | null;
  /** 0: redirects are not recorded. */
  track: Generated<number>;
  /** The Open Graph preview: a title, or none at all. */
  preview_title: string | null;
  preview_description: string | null;
  preview_image: string | null;
  /** JSON: the targeting rules and the A/B variants; null when none. */
  rules: string | null;
  variants: string | null;
  /** Clicks up to the roller's watermark (the roller adds to it). */
  click_count: Generated<number>;
  /** Exact clicks of a link with max_clicks, kept by the click's transaction; stale without one. */
  budget_clicks: Generated<number>;
}

export interface DomainsTable {
  /** Lowercase host[:port]. */
  host: string;
  base_url_redirect: string | null;
  not_found_redirect: string | null;
  created_at: number;
}

export interface LinkTagsTable {
  link_id: number;
  tag: string;
}

/** A visit's columns, the same in `clicks` and `orphan_visits`. */
export interface VisitColumns {
  id: Generated<number>;
  at: number;
  ip: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  browser: string | null;
  os: string | null;
  device: string;
  bot: number;
  referrer: string | null;
  referrer_host: string | null;
  language: string | null;
  user_agent: string | null;
  visitor_id: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
}

export interface ClicksTable extends VisitColumns {
  link_id: number;
  target: string | null;
  /** An imported visit's source and the source's id of it (see ClickStore.importBatch); null for our own clicks. */
  import_key: string | null;
}

/** A visit no link answered. */
export interface OrphanVisitsTable extends VisitColumns {
  /** base_url · invalid_code · regular_404 */
  type: string;
  path: string;
}

export interface VisitorSaltsTable {
  day: string;
  salt: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface DashboardSessionsTable {
  id_hash: string;
  key_id: string;
  role: string;
  created_at: number;
  expires_at: number;
}

export interface LinkSharesTable {
  id: string;
  link_id: number;
  created_at: number;
  expires_at: number | null;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** Comma-separated event types. */
  events: string;
  all_links: number;
  secret: string;
  created_at: number;
  /** Id of the last click made into a clicks.recorded delivery. */
  click_cursor: number;
  disabled_at: number | null;
  disabled_reason: string | null;
}

export interface WebhookLinksTable {
  webhook_id: string;
  link_id: number;
  code: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  type: string;
  /** Link events: the link as the change left it (JSON); clicks.recorded: empty. */
  payload: string;
  /** clicks.recorded: its clicks are the webhook's in (clicks_after, clicks_up_to]. */
  clicks_after: number | null;
  clicks_up_to: number | null;
  created_at: number;
  status: string;
  attempts: number;
  /** When pending: due then; while a node sends it, until when that node holds it; ended: when. */
  next_attempt_at: number;
  claimed_by: string | null;
  give_up_at: number;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

/** The clicks by link, kept by the roller for clicks up to its watermark. */
export interface ClickLinksTable {
  link_id: number;
  at: number;
  id: number;
}

export interface RollupStateTable {
  id: number;
  watermark: number;
  /** Every UTC day before it has its day rows. */
  days_closed: Generated<number>;
}

export interface RollupPeriodsTable {
  link_id: number;
  level: string;
  start: number;
  bot: number;
  clicks: number;
  visitors: number;
  sketch: Buffer;
  /** {dimension: {value: clicks}}; '' stands for "the click did not tell". */
  dims: string;
  version: number;
}

export interface Database {
  links: LinksTable;
  domains: DomainsTable;
  link_tags: LinkTagsTable;
  clicks: ClicksTable;
  click_links: ClickLinksTable;
  orphan_visits: OrphanVisitsTable;
  visitor_salts: VisitorSaltsTable;
  api_keys: ApiKeysTable;
  dashboard_sessions: DashboardSessionsTable;
  link_shares: LinkSharesTable;
  rollup_state: RollupStateTable;
  rollup_periods: RollupPeriodsTable;
  webhooks: WebhooksTable;
  webhook_links: WebhookLinksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type SqlDialect = 'sqlite' | 'postgres';
