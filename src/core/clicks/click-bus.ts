import type { ClickRecorded } from './click.js';

export type ClickListener = (event: ClickRecorded) => void;

/** Where stored clicks are announced for live views. In-process, or shared across nodes. */
export interface ClickBus {
  publish(events: readonly ClickRecorded[]): void;
  /** Answers a function that unsubscribes. */
  subscribe(listener: ClickListener): () => void;
}
