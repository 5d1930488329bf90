/**
 * A task run every `everyMs` in the background, one run at a time (a run still going when the next is
 * due lets it pass), until stopped; a failed run is reported and the next one tries again.
 */
export class Repeating {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly task: () => Promise<void>) {}

  start(everyMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => {
      this.running ??= this.task().catch(onError).finally(() => (this.running = undefined));
    }, everyMs);
    this.timer.unref();
  }

  /** Stops repeating; resolves once a run in progress has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
