import type { Clock } from '../shared/clock.js';
import { cappedText } from '../shared/text.js';
import type { Link } from '../links/link.js';
import type { Click } from './click.js';
import type { ClickRecorder } from './click-recorder.js';
import { MAX_USER_AGENT_LENGTH } from './visit-enricher.js';
import type { ClickStore, ImportedClick } from './click-store.js';
import type { GeoPlace } from './enrichment.js';
import type { VisitorIdentifier } from './visitor-id.js';

const MAX_BATCH = 500;
const MAX_CITY_LENGTH = 100;

/** A visit as another shortener kept it. */
export interface SourceVisit {
  /** Unique among every source's visits: the source and its own id of the visit. */
  readonly key: string;
  /** Epoch ms. */
  readonly at: number;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly referrer: string | null;
  /** The query string of the URL visited ('' or "?…"), where the source kept it: its campaign tags. */
  readonly search?: string | undefined;
  /** Where the source placed the visitor: taken when the IP tells nothing (or there is none). */
  readonly place?: { readonly country?: string | null | undefined; readonly city?: string | null | undefined } | undefined;
}

export interface VisitsImported {
  readonly imported: number;
  /** Stored by an earlier import. */
  readonly already: number;
  /** Dated in the future, or their link was deleted or used up meanwhile. */
  readonly refused: number;
}

export interface ClickImportDeps {
  readonly recorder: ClickRecorder;
  readonly clicks: ClickStore;
  readonly visitors: VisitorIdentifier;
  readonly clock: Clock;
  /** Told of the clicks stored, after their commit (the roller sums them). */
  readonly onStored?: (clicks: readonly Click[]) => void;
}

/**
 * Visits kept by another shortener, stored as clicks: enriched as a redirect's click is (the
 * recorder's enrichment, at the visit's time and under its day's salt) and written by the same
 * insert, so every count, rollup, report and export takes them as its own. Not announced to live
 * streams: they are history, not news. Each visit is stored once, however often it is imported.
 */
export class ClickImport {
  constructor(private readonly deps: ClickImportDeps) {}

  /** Stores each visit as a click of its link, a batch at a time. */
  async importVisits(visits: readonly { readonly link: Link; readonly visit: SourceVisit }[]): Promise<VisitsImported> {
    const now = this.deps.clock.now();
    let imported = 0;
    let already = 0;
    let refused = 0;
    for (let start = 0; start < visits.length; start += MAX_BATCH) {
      const clicks: ImportedClick[] = [];
      for (const { link, visit } of visits.slice(start, start + MAX_BATCH)) {
        if (Number.isFinite(visit.at) && visit.at >= 0 && visit.at <= now) clicks.push(await this.clickOf(link, visit));
        else refused++;
      }
      const outcomes = await this.deps.clicks.importBatch(clicks);
      const stored = outcomes.filter((outcome): outcome is Click => typeof outcome === 'object');
      if (stored.length > 0) this.deps.onStored?.(stored);
      const before = outcomes.filter((outcome) => outcome === 'already-imported').length;
      imported += stored.length;
      already += before;
      refused += outcomes.length - stored.length - before;
    }
    return { imported, already, refused };
  }

  /** Deletes the salts the past visits' ids were made with: call once an import is done. */
  finish(): Promise<void> {
    return this.deps.visitors.forgetPastSalts();
  }

  private async clickOf(link: Link, visit: SourceVisit): Promise<ImportedClick> {
    // A source's text has not been through an HTTP parser: drop what no database keeps.
    const userAgent = visit.userAgent === null ? null : cappedText(visit.userAgent, MAX_USER_AGENT_LENGTH);
    const click = await this.deps.recorder.enrich(link, {
      ip: visit.ip?.trim() ?? '',
      userAgent: userAgent ?? undefined,
      referer: visit.referrer ?? undefined,
      acceptLanguage: undefined,
      search: visit.search ?? '',
    }, visit.at);
    return { ...click, ...(click.country === null ? sourcePlace(visit.place) : {}), importKey: visit.key };
  }
}

/** The place a source gave, checked as a GeoIP database's is; only where ours found nothing. */
function sourcePlace(place: SourceVisit['place']): Partial<GeoPlace> {
  const country = place?.country?.trim().toUpperCase() ?? '';
  if (!/^[A-Z]{2}$/.test(country)) return {};
  return { country, city: place?.city ? cappedText(place.city, MAX_CITY_LENGTH) : null };
}
