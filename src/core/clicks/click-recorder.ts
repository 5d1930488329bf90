import type { Clock } from '../shared/clock.js';
import { GoneError, NotFoundError } from '../shared/errors.js';
import { GroupCommitter } from '../shared/group-commit.js';
import { Signal } from '../shared/signal.js';
import { boundedMemo } from '../shared/memo.js';
import type { Link } from '../links/link.js';
import { chooseTarget } from '../links/targeting.js';
import type { Click, ClickRecorded, NewClick } from './click.js';
import type { ClickBus } from './click-bus.js';
import type { ClickStore, StoreOutcome } from './click-store.js';
import type { GeoLookup, UserAgentParser } from './enrichment.js';
import type { IpStorage } from './ip-policy.js';
import { campaignOf, mergeCampaigns, searchOf } from './campaign.js';
import { VisitEnricher, type VisitRequest } from './visit-enricher.js';
import { VisitorIdentifier } from './visitor-id.js';

const MAX_BATCH = 500;

/** What the HTTP adapter knows about one redirect request. */
export type RedirectRequest = VisitRequest;

export interface ClickRecorderDeps {
  readonly clicks: ClickStore;
  readonly bus: ClickBus;
  readonly userAgents: UserAgentParser;
  readonly geo: GeoLookup;
  readonly visitors: VisitorIdentifier;
  readonly clock: Clock;
  readonly ipStorage: IpStorage;
  /** Batches of clicks written at once: 1 where the database has one writer. */
  readonly writeConcurrency?: number;
  /** Told of each batch's stored clicks right after their commit (the roller sums them). */
  readonly onStored?: (clicks: readonly Click[]) => void;
}

/** One group commit: how many clicks it wrote and how long the write took. */
export interface CommitDone {
  readonly clicks: number;
  readonly seconds: number;
}

/**
 * The click pipeline: enrich (user agent, bot, geo, referrer, language, visitor id),
 * apply the privacy policy, store with group commit, then announce.
 */
export class ClickRecorder {
  private readonly targetCampaignOf = boundedMemo((url: string) => campaignOf(searchOf(url)));
  private readonly committer: GroupCommitter<{ click: NewClick; code: string; domain: string }, StoreOutcome>;
  /** Each batch written, after its commit. */
  readonly committed = new Signal<CommitDone>();

  /** The enrichment of every visit, shared with orphan visits. */
  readonly visits: VisitEnricher;

  constructor(private readonly deps: ClickRecorderDeps) {
    this.visits = new VisitEnricher(deps);
    this.committer = new GroupCommitter(async (batch) => {
      const started = performance.now();
      const stored = await deps.clicks.insertBatch(batch.map((item) => item.click));
      this.committed.emit({ clicks: batch.length, seconds: (performance.now() - started) / 1000 });
      // Announced after the commit, once per batch: live views never show a click that is not stored.
      const events: ClickRecorded[] = [];
      stored.forEach((outcome, i) => {
        const { code, domain } = batch[i] as { code: string; domain: string };
        if (typeof outcome === 'object') events.push({ code, domain, click: outcome });
      });
      if (events.length > 0) {
        deps.onStored?.(events.map((event) => event.click));
        deps.bus.publish(events);
      }
      return stored;
    }, MAX_BATCH, deps.writeConcurrency ?? 1);
  }

  /** Resolves once the click is committed: the redirect may be answered then, not before. */
  async record(link: Link, request: RedirectRequest): Promise<Click> {
    const click = await this.enrich(link, request);
    const stored = await this.committer.submit({ click, code: link.code, domain: link.domain });
    if (stored === 'link-deleted') throw new NotFoundError(`The link "${link.code}" was deleted`);
    if (stored === 'link-exhausted') throw new GoneError(`The link "${link.code}" has used up its clicks`);
    return stored;
  }

  /** The click of a redirect now, or (an imported visit) of one `at` that time, under that day's salt. */
  async enrich(link: Link, request: RedirectRequest, visitedAt?: number): Promise<NewClick> {
    const visit = await this.visits.enrich(request, visitedAt);
    const facts = { ...visit, ip: request.ip, search: request.search, now: visit.at };
    return {
      linkId: link.id,
      ...visit,
      ...mergeCampaigns(campaignOf(request.search), this.targetCampaignOf(link.url)),
      target: chooseTarget(link, facts),
    };
  }

  /** Where a visit that is not recorded goes (its link's rules and variants see it as a click would). */
  async targetFor(link: Link, request: RedirectRequest): Promise<string> {
    if (link.rules.length === 0 && link.variants.length === 0) return link.url;
    return (await this.enrich(link, request)).target ?? link.url;
  }

  /** Waits for clicks in flight: graceful shutdown must not drop them. */
  flush(): Promise<void> {
    return this.committer.flush();
  }
}
