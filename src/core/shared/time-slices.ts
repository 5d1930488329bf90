/** Lets the event loop run what waits (redirects) before going on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Long background work (the roller's merging) gives the event loop back every few milliseconds,
 * however long each item takes, so redirects queued meanwhile wait that long at most.
 */
export class TimeSlices {
  private started = performance.now();

  constructor(private readonly sliceMs = 4) {}

  /** Yields to the event loop if this slice has run its time. */
  async next(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await yieldToEventLoop();
    this.started = performance.now();
  }
}
