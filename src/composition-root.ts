import { networkInterfaces } from 'node:os';
import { pino, type Logger } from 'pino';
import { CachedUserAgentParser } from './adapters/user-agent-parser.js';
import { bundledCountryDatabase, MmdbGeoLookup } from './adapters/geoip.js';
import { InProcessClickBus } from './adapters/in-process-click-bus.js';
import { ConfigError, type Config } from './config.js';
import { Roller } from './core/analytics/roller.js';
import { RollupAnalytics } from './core/analytics/rollup-analytics.js';
import { StatsService } from './core/analytics/stats-service.js';
import type { ClickBus } from './core/clicks/click-bus.js';
import { ClickImport } from './core/clicks/click-import.js';
import { ClickQueryService } from './core/clicks/click-query-service.js';
import { ClickRecorder } from './core/clicks/click-recorder.js';
import { TrackingPolicy } from './core/clicks/tracking.js';
import { Retention } from './core/clicks/retention.js';
import { VisitorIdentifier } from './core/clicks/visitor-id.js';
import { ApiKeyService } from './core/keys/api-key-service.js';
import { SessionService } from './core/keys/session-service.js';
import type { LinkChangeFeed } from './core/links/link-change-feed.js';
import { LinkService } from './core/links/link-service.js';
import { DomainService } from './core/links/domain-service.js';
import { ShareService } from './core/shares/share-service.js';
import { WebhookDispatcher } from './core/webhooks/webhook-dispatcher.js';
import { WebhookService } from './core/webhooks/webhook-service.js';
import { HttpWebhookSender } from './adapters/http-webhook-sender.js';
import { DEFAULT_ORPHAN_CAP, OrphanCap, type OrphanCapLimits } from './core/orphans/orphan-cap.js';
import { OrphanQueryService } from './core/orphans/orphan-query-service.js';
import { OrphanRecorder } from './core/orphans/orphan-recorder.js';
import { systemClock, type Clock } from './core/shared/clock.js';
import { Incident } from './core/shared/incident.js';
import type { Storage } from './core/storage.js';
import { openStorage } from './storage/open-storage.js';
import { PostgresEvents } from './storage/postgres/postgres-events.js';
import { databaseStartError, reasonOf } from './startup-errors.js';

/** Every service, built once from config; both the server and the CLI start here. */
export interface LinkPulse {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly storage: Storage;
  readonly links: LinkService;
  /** The hosts links live on: the base URL's and those registered. */
  readonly domains: DomainService;
  readonly clickQueries: ClickQueryService;
  readonly recorder: ClickRecorder;
  /** Visits imported from other shorteners, stored as clicks. */
  readonly clickImport: ClickImport;
  /** Which redirects are recorded. */
  readonly tracking: TrackingPolicy;
  /** Forgets old clicks' IPs and user agents, and old raw clicks (LINKPULSE_RETENTION_*), started by the server. */
  readonly retention: Retention | undefined;
  readonly stats: StatsService;
  /** Keeps the rollups that reports read up to date (started by the server, not by the CLI). */
  readonly roller: Roller;
  readonly keys: ApiKeyService;
  /** Dashboard sign-ins. */
  readonly sessions: SessionService;
  /** Public read-only shares of a link's report. */
  readonly shares: ShareService;
  /** Signed webhooks: managing them. */
  readonly webhooks: WebhookService;
  /** Makes and sends webhook deliveries in the background (started by the server, not by the CLI). */
  readonly webhookDispatcher: WebhookDispatcher;
  /** Records requests no link answered; undefined when LINKPULSE_TRACK_ORPHANS=false. */
  readonly orphanRecorder: OrphanRecorder | undefined;
  /** The log of orphan visits (their reports: `stats.orphans`). */
  readonly orphans: OrphanQueryService;
  readonly bus: ClickBus;
  /** The database failing (a full disk, a lost server): logged once, reported by /readyz. */
  readonly databaseIncident: Incident;
  /** Waits for clicks in flight, then closes the database. */
  close(): Promise<void>;
}

export interface LinkPulseOptions {
  readonly clock?: Clock;
  /** How many orphan visits are stored a minute (tests lower it). */
  readonly orphanCap?: OrphanCapLimits;
}

export async function createLinkPulse(config: Config, options: LinkPulseOptions = {}): Promise<LinkPulse> {
  const clock = options.clock ?? systemClock;
  const log = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
  });
  // Before the database: a wrong file is a start-up error, not a server that never listens.
  const geo = openGeoLookup(config.geoipDb);
  let storage: Storage;
  try {
    storage = openStorage(config.databaseUrl);
  } catch (error) {
    throw databaseStartError(config.databaseUrl, error);
  }
  const hosts = ownHosts(config);
  const domains = new DomainService(storage.domains, clock, new URL(config.baseUrl).host, hosts);
  let events: PostgresEvents | undefined;
  try {
    await storage.migrate();
    // Nodes sharing a PostgreSQL database share live events and link changes through it.
    if (storage.kind === 'postgres') {
      events = new PostgresEvents(config.databaseUrl, log);
      await events.start();
    }
    await domains.refresh();
  } catch (error) {
    await events?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw databaseStartError(config.databaseUrl, error);
  }
  const bus: ClickBus = events ?? new InProcessClickBus();
  const changes: LinkChangeFeed | undefined = events?.links;
  const links = new LinkService(storage.links, domains, clock, hosts, changes, config.fallbackUrl ?? null);
  const databaseIncident = new Incident('database operations', log, clock, (error) => storage.describeFailure(error));
  const roller = new Roller(storage.rollups, {
    onError: (error) => (storage.isUnavailable(error) ? databaseIncident.failed(error) : log.warn({ err: error }, 'rollup step failed; retrying')),
  });
  const visitors = new VisitorIdentifier(storage.salts, clock);
  const recorder = new ClickRecorder({
    clicks: storage.clicks,
    bus,
    userAgents: new CachedUserAgentParser(),
    geo,
    visitors,
    clock,
    ipStorage: config.ipStorage,
    // SQLite has one writer. PostgreSQL could take more batches at once, but fewer, larger ones
    // cost less per click (by hand, 64 connections: 1 or 2 at once ~2.5–2.8 k req/s, 4 ~2.1 k);
    // two, so one batch waiting on a lock does not hold up every click.
    writeConcurrency: storage.kind === 'postgres' ? 2 : 1,
    onStored: (clicks) => roller.feed(clicks),
  });
  // Every link lives on the base URL's host (the `domain` dimension of reports).
  const domain = new URL(config.baseUrl).host;
  const keys = new ApiKeyService(storage.keys, clock, config.adminKey);
  const webhookDispatcher = new WebhookDispatcher({
    store: storage.webhooks,
    sender: new HttpWebhookSender(),
    clock,
    baseUrl: config.baseUrl,
    // One process serves a SQLite file: a delivery held at start was held by one that died.
    releaseClaimsAtStart: storage.kind === 'sqlite',
    onError: (error) => (storage.isUnavailable(error) ? databaseIncident.failed(error) : log.warn({ err: error }, 'webhook step failed; retrying')),
  });
  const tracking = new TrackingPolicy(config.excludedIps, config.noTrackParam);
  const orphanRecorder = config.trackOrphans ? new OrphanRecorder({
    store: storage.orphans,
    visits: recorder.visits,
    tracking,
    cap: new OrphanCap(options.orphanCap ?? DEFAULT_ORPHAN_CAP, clock),
    onError: (error) => (storage.isUnavailable(error) ? databaseIncident.failed(error) : log.warn({ err: error }, 'orphan visits could not be stored')),
  }) : undefined;
  return {
    config,
    log,
    clock,
    storage,
    links,
    domains,
    clickQueries: new ClickQueryService(storage.clicks, links, clock, domain),
    recorder,
    clickImport: new ClickImport({ recorder, clicks: storage.clicks, visitors, clock, onStored: (clicks) => roller.feed(clicks) }),
    tracking,
    retention: config.retentionIpDays === undefined && config.retentionClickDays === undefined ? undefined
      : new Retention(storage.clicks, { identities: config.retentionIpDays, clicks: config.retentionClickDays }, clock,
        (error) => log.warn({ err: error }, 'forgetting old clicks failed; retrying')),
    stats: new StatsService(new RollupAnalytics(storage.rollups), storage.scan, links, clock, domain),
    roller,
    keys,
    sessions: new SessionService(keys, storage.sessions, clock),
    shares: new ShareService(storage.shares, links, clock),
    webhooks: new WebhookService(storage.webhooks, links, clock, hosts),
    webhookDispatcher,
    orphanRecorder,
    orphans: new OrphanQueryService(storage.orphans, clock, domain),
    bus,
    databaseIncident,
    async close() {
      await recorder.flush();
      await webhookDispatcher.stop();
      await orphanRecorder?.flush();
      await roller.stop();
      await links.stopSweeping();
      await domains.stopRefreshing();
      await events?.close();
      await storage.close();
    },
  };
}

/** The GeoIP database, read whole now: a path that is not an .mmdb file stops the start, naming it. */
function openGeoLookup(path: string | undefined): MmdbGeoLookup {
  if (path === undefined) return new MmdbGeoLookup(bundledCountryDatabase());
  try {
    return new MmdbGeoLookup(path);
  } catch (error) {
    throw new ConfigError('LINKPULSE_GEOIP_DB', `cannot read ${path} as a MaxMind .mmdb database: ${reasonOf(error)}`);
  }
}

/**
 * host[:port] values that reach this service: a target there would redirect to itself. Spellings
 * of one host (127.0.0.1, localhost, [::1]…) are equated where targets are checked.
 */
function ownHosts(config: Config): string[] {
  const hosts = new Set([new URL(config.baseUrl).host]);
  // Listening on every interface, every address of this machine reaches it.
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const names = everywhere ? ['localhost', ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))] : [config.host];
  for (const name of names) hosts.add(`${name.includes(':') ? `[${name.replace(/%.*$/, '')}]` : name}:${config.port}`);
  return [...hosts];
}
