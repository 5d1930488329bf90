interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a write is running (or in the same event-loop turn)
 * are written together by the next call of `write`, and each submitter learns the outcome.
 * The caller's promise settles only after its item's write settled, so "answered" can wait
 * for "durable" without one transaction per item.
 */
export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private running: Promise<void> | undefined;

  constructor(
    /** Writes a batch and answers one result per item, in order. */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drainQueue());
    });
  }

  /** Resolves once everything submitted so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i] as R));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.running = undefined;
  }
}
