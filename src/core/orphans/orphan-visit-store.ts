import type { ClickFilters } from '../analytics/filters.js';
import type { BotFilter } from '../clicks/click-store.js';
import type { NewOrphanVisit, OrphanType, OrphanVisit } from './orphan-visit.js';

export interface OrphanPageQuery {
  readonly from: number;
  readonly to: number;
  readonly bots?: BotFilter | undefined;
  readonly filters?: ClickFilters | undefined;
  /** Any of these; empty: all. */
  readonly types: readonly OrphanType[];
  readonly limit: number;
  /** Keyset position, newest first: the `at` and id of the last visit already seen. */
  readonly before?: { readonly value: number; readonly id: number } | undefined;
  /** Rows to skip first (numbered pages; costs as many rows read). */
  readonly offset?: number | undefined;
}

/** Storage port for orphan visits (reports on them go through ClickScan). */
export interface OrphanVisitStore {
  /** Stores the visits in one transaction. */
  insertBatch(visits: readonly NewOrphanVisit[]): Promise<void>;
  /** Newest first. */
  list(query: OrphanPageQuery): Promise<OrphanVisit[]>;
  /** Every orphan visit stored, and how many of them were bots'. */
  totals(): Promise<{ readonly visits: number; readonly botVisits: number }>;
}
