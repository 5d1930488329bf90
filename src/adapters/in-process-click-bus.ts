import type { ClickRecorded } from '../core/clicks/click.js';
import type { ClickBus, ClickListener } from '../core/clicks/click-bus.js';

/** Live events within one process: enough for a single node. */
export class InProcessClickBus implements ClickBus {
  private readonly listeners = new Set<ClickListener>();

  publish(events: readonly ClickRecorded[]): void {
    for (const event of events) {
      for (const listener of this.listeners) listener(event);
    }
  }

  subscribe(listener: ClickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
