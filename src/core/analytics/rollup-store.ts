import type { LinkKey } from '../links/link-key.js';
import type { BotFilter } from '../clicks/click-store.js';
import type { Dimension } from './analytics-store.js';
import type { Level, RollupClick, RollupDelta } from './rollup.js';

export interface Span {
  readonly from: number;
  readonly to: number;
}

/** A rolled-up hour or day of one link (or all links), one bot flag. */
export interface PeriodRow {
  readonly start: number;
  readonly bot: boolean;
  readonly clicks: number;
  readonly visitors: number;
  /** The encoded VisitorSketch, when asked for. */
  readonly sketch?: Uint8Array;
}

export interface SketchRow {
  readonly start: number;
  readonly bot: boolean;
  /** The encoded VisitorSketch. */
  readonly sketch: Uint8Array;
}

export interface KeyRow {
  readonly dimension: Dimension;
  readonly key: string | null;
  readonly clicks: number;
}

/** What a report needs of each click the rollups do not cover: its link, time, bot flag and visitor. */
export interface RawClick {
  readonly linkId: number;
  readonly at: number;
  readonly bot: boolean;
  readonly visitorId: string;
}

/** The clicks the rollups do not cover, and (when asked for) their clicks per dimension value. */
export interface RawClicks {
  readonly clicks: RawClick[];
  readonly keys: KeyRow[];
}

/** Reads of one consistent snapshot: rollups and raw clicks agree on the watermark. */
export interface RollupReadTx {
  /** Id of the last click rolled up: every click with a lower or equal id is in the rollups. */
  watermark(): Promise<number>;
  /**
   * Raw clicks in any of `spans`, plus those past `after` (not rolled up yet) inside `tail`, each
   * once; their dimension counts are summed by the database (a cut hour can hold ~14 000 clicks).
   */
  raw(linkId: number | undefined, spans: readonly Span[], after: number, tail: Span, bots: BotFilter, withKeys: boolean): Promise<RawClicks>;
  /** Every UTC day before this instant has its day rows. */
  daysClosed(): Promise<number>;
  /** Rolled-up periods of the level starting in [span.from, span.to). */
  periods(linkId: number, span: Span, bots: BotFilter, level: Level): Promise<PeriodRow[]>;
  /** The visitor sketches of the hours starting at these instants. */
  sketches(linkId: number, starts: readonly number[], bots: BotFilter): Promise<SketchRow[]>;
  /** Clicks per dimension value, summed over the periods of the level starting in the spans. */
  keys(linkId: number, spans: readonly Span[], bots: BotFilter, level: Level): Promise<KeyRow[]>;
  /** Keys (domain and code) of the links that still exist among `ids`. */
  linkKeys(ids: readonly number[]): Promise<Map<number, LinkKey>>;
  /** Rolled clicks per tag of their links over the periods (null: links without tags). */
  tagClicks(spans: readonly Span[], bots: BotFilter): Promise<{ tag: string | null; clicks: number }[]>;
  /** The tags of the links among `ids` that have any. */
  linkTags(ids: readonly number[]): Promise<Map<number, string[]>>;
  /** Rolled clicks per domain of their links ('' the default) over the periods. */
  domainClicks(spans: readonly Span[], bots: BotFilter): Promise<{ domain: string; clicks: number }[]>;
  /** Rolled clicks per link over the periods: the `limit` most clicked, and those of `include`. */
  topLinks(spans: readonly Span[], bots: BotFilter, limit: number, include: readonly number[]): Promise<{ linkId: number; clicks: number }[]>;
}

/** Storage port for rollups, kept by the Roller from the raw clicks. */
export interface RollupStore {
  /**
   * Where rolling resumes: after the watermark, up to the highest id that no click still being
   * written can undercut (PostgreSQL hands out ids before commit; SQLite commits them in order).
   */
  position(): Promise<{ readonly after: number; readonly upTo: number }>;
  /** Up to `limit` clicks with ids in (after, upTo], in id order. */
  clicksAfter(after: number, upTo: number, limit: number): Promise<RollupClick[]>;
  /**
   * Adds `delta`, the sums of the `clicks` clicks with ids in (after, upTo], to the rollups and
   * moves the watermark from `after` to `upTo`, in one short transaction. False, with nothing
   * written, when the watermark or a rollup moved meanwhile (another node's roller), or that id
   * range no longer holds `clicks` clicks (a link deleted since): the caller starts again from
   * `position()`.
   */
  apply(delta: RollupDelta, after: number, upTo: number, clicks: number): Promise<boolean>;
  /**
   * Writes the day rows of the first UTC day that is not closed yet, if it ended before
   * `endedBefore`, and closes it (days without clicks close with it). True when it closed a day with
   * clicks: there may be more. False when there was none, or another writer moved meanwhile.
   */
  closeDay(endedBefore: number): Promise<boolean>;
  snapshot<T>(read: (tx: RollupReadTx) => Promise<T>): Promise<T>;
}
