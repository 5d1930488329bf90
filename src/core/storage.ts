import type { ClickScan } from './analytics/click-scan.js';
import type { RollupStore } from './analytics/rollup-store.js';
import type { ClickStore, SaltStore } from './clicks/click-store.js';
import type { ApiKeyStore } from './keys/api-key.js';
import type { SessionStore } from './keys/session.js';
import type { LinkStore } from './links/link-store.js';
import type { DomainStore } from './links/domain.js';
import type { ShareStore } from './shares/share.js';
import type { WebhookStore } from './webhooks/webhook.js';
import type { OrphanVisitStore } from './orphans/orphan-visit-store.js';

/** Everything the domain needs from a database; one implementation per database. */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly links: LinkStore;
  readonly domains: DomainStore;
  readonly clicks: ClickStore;
  readonly rollups: RollupStore;
  readonly scan: ClickScan;
  readonly salts: SaltStore;
  readonly keys: ApiKeyStore;
  readonly sessions: SessionStore;
  readonly shares: ShareStore;
  readonly webhooks: WebhookStore;
  /** Visits no link answered. */
  readonly orphans: OrphanVisitStore;
  /** Brings the schema up to date; answers the names of the migrations it ran. */
  migrate(): Promise<string[]>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Throws when the database cannot commit a write (a full disk, a read-only file). */
  pingWrite(): Promise<void>;
  /** True when an error this storage threw means "the database cannot serve right now". */
  isUnavailable(error: unknown): boolean;
  /** An unavailable error said for the log and /readyz: what lies under it when the driver's message hides it. */
  describeFailure(error: unknown): string;
  close(): Promise<void>;
}
