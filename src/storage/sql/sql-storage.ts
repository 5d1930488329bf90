import { Migrator, sql, type Kysely } from 'kysely';
import type { ClickStore } from '../../core/clicks/click-store.js';
import type { Storage } from '../../core/storage.js';
import { migrationProvider } from '../migrations/index.js';
import type { Database, SqlDialect } from '../schema.js';
import { SqlApiKeyStore } from './sql-api-key-store.js';
import { SqlClickScan } from './sql-click-scan.js';
import { SqlClickStore } from './sql-click-store.js';
import { SqlLinkStore } from './sql-link-store.js';
import { SqlDomainStore } from './sql-domain-store.js';
import { SqlRollupStore, type PeriodWriter } from './sql-rollup-store.js';
import { SqlSaltStore } from './sql-salt-store.js';
import { SqlSessionStore } from './sql-session-store.js';
import { SqlShareStore } from './sql-share-store.js';
import { SqlWebhookStore } from './sql-webhook-store.js';
import { SqlOrphanVisitStore } from './sql-orphan-visit-store.js';
import { isDatabaseUnavailable } from './unavailable.js';

/** The storage contract over Kysely: the same queries for SQLite and PostgreSQL. */
export class SqlStorage implements Storage {
  readonly links: SqlLinkStore;
  readonly domains: SqlDomainStore;
  readonly clicks: ClickStore;
  readonly rollups: SqlRollupStore;
  readonly scan: SqlClickScan;
  readonly salts: SqlSaltStore;
  readonly keys: SqlApiKeyStore;
  readonly sessions: SqlSessionStore;
  readonly shares: SqlShareStore;
  readonly webhooks: SqlWebhookStore;
  readonly orphans: SqlOrphanVisitStore;
  private readonly reads: Kysely<Database>;
  private readonly onClose: (() => Promise<void>) | undefined;
  private readonly canWrite: (() => Promise<void>) | undefined;
  private readonly describe: ((error: unknown) => string | undefined) | undefined;

  constructor(
    readonly kind: SqlDialect,
    private readonly db: Kysely<Database>,
    options: {
      /** Where long reads (reports, click pages, exports) go, if not to `db`. */
      readonly reads?: Kysely<Database>;
      readonly clicks?: ClickStore;
      readonly periods?: PeriodWriter;
      /** Run on close, after the reads are destroyed. */
      readonly onClose?: () => Promise<void>;
      /** Throws when a write cannot succeed (SQLite: the disk holding its file is full or read-only). */
      readonly canWrite?: () => Promise<void>;
      /** What lies under an unavailable error, when the error does not say it. */
      readonly describe?: (error: unknown) => string | undefined;
    } = {},
  ) {
    this.reads = options.reads ?? db;
    this.onClose = options.onClose;
    this.canWrite = options.canWrite;
    this.describe = options.describe;
    this.links = new SqlLinkStore(kind, db);
    this.domains = new SqlDomainStore(db);
    this.clicks = options.clicks ?? new SqlClickStore(kind, db);
    this.rollups = new SqlRollupStore(kind, db, this.reads, options.periods);
    this.scan = new SqlClickScan(kind, this.reads);
    this.salts = new SqlSaltStore(db);
    this.keys = new SqlApiKeyStore(db);
    this.sessions = new SqlSessionStore(db);
    this.shares = new SqlShareStore(db);
    this.webhooks = new SqlWebhookStore(kind, db, this.reads);
    this.orphans = new SqlOrphanVisitStore(db, this.reads);
  }

  async migrate(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.kind) });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async pingWrite(): Promise<void> {
    await this.canWrite?.();
    // A row rewritten as it is: a committed write that changes nothing.
    await this.db.updateTable('rollup_state').set((eb) => ({ watermark: eb.ref('watermark') })).where('id', '=', 1).execute();
  }

  isUnavailable(error: unknown): boolean {
    return isDatabaseUnavailable(error);
  }

  describeFailure(error: unknown): string {
    return this.describe?.(error) ?? (error instanceof Error ? error.message : String(error));
  }

  async close(): Promise<void> {
    if (this.reads !== this.db) await this.reads.destroy();
    await this.onClose?.();
    await this.db.destroy();
  }
}
