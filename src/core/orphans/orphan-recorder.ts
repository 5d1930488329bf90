import { campaignOf } from '../clicks/campaign.js';
import type { TrackingPolicy } from '../clicks/tracking.js';
import type { VisitEnricher, VisitRequest } from '../clicks/visit-enricher.js';
import { GroupCommitter } from '../shared/group-commit.js';
import { Signal } from '../shared/signal.js';
import { cappedText } from '../shared/text.js';
import type { OrphanCap } from './orphan-cap.js';
import type { NewOrphanVisit, OrphanType } from './orphan-visit.js';
import type { OrphanVisitStore } from './orphan-visit-store.js';

const MAX_BATCH = 500;
const MAX_PATH_LENGTH = 2048;

export interface OrphanRecorderDeps {
  readonly store: OrphanVisitStore;
  readonly visits: VisitEnricher;
  readonly tracking: TrackingPolicy;
  readonly cap: OrphanCap;
  /** Told of a batch that could not be stored (the visits are lost: nobody waits for them). */
  readonly onError: (error: unknown) => void;
}

/** What became of orphan visits: stored, or past the cap and only counted. */
export interface OrphanOutcome {
  readonly outcome: 'stored' | 'dropped';
  readonly visits: number;
}

/**
 * Records requests no link answered. Unlike a click, nothing waits for the write: the 404 is
 * answered first, the visit is enriched, capped (OrphanCap) and written with the next group
 * commit of orphan visits, a queue of its own beside the clicks'.
 */
export class OrphanRecorder {
  private readonly committer: GroupCommitter<NewOrphanVisit, undefined>;
  /** Visits being enriched, not yet submitted. */
  private readonly enriching = new Set<Promise<void>>();
  readonly outcomes = new Signal<OrphanOutcome>();

  constructor(private readonly deps: OrphanRecorderDeps) {
    this.committer = new GroupCommitter(async (batch) => {
      await deps.store.insertBatch(batch);
      this.outcomes.emit({ outcome: 'stored', visits: batch.length });
      return batch.map(() => undefined);
    }, MAX_BATCH, 1);
  }

  /** Records the visit in the background, if tracked and under the cap. */
  record(type: OrphanType, path: string, request: VisitRequest): void {
    const { deps } = this;
    if (!deps.tracking.recordsVisit(request.ip, request.search)) return;
    if (!deps.cap.admit(request.ip)) {
      this.outcomes.emit({ outcome: 'dropped', visits: 1 });
      return;
    }
    const enriched = deps.visits.enrich(request).then((visit) => {
      this.enriching.delete(enriched);
      return this.committer.submit({ ...visit, ...campaignOf(request.search), type, path: cappedText(path, MAX_PATH_LENGTH) ?? '/' });
    }).then(() => undefined, (error: unknown) => {
      this.enriching.delete(enriched);
      deps.onError(error);
    });
    this.enriching.add(enriched);
  }

  /** Waits for the visits recorded so far to be written (or to fail): shutdown, tests. */
  async flush(): Promise<void> {
    await Promise.all(this.enriching);
    await this.committer.flush();
  }
}
