interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while writes are running (or in the same event-loop turn)
 * are written together by the next call of `write`, and each submitter learns the outcome.
 * The caller's promise settles only after its item's write settled, so "answered" can wait
 * for "durable" without one transaction per item. Up to `maxConcurrentWrites` batches may be
 * in flight (1 for SQLite, which has one writer; more for PostgreSQL, which has a pool).
 */
export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private active = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** Writes a batch and answers one result per item, in order. */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
    private readonly maxConcurrentWrites = 1,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Resolves once everything submitted so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get pending(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.active < this.maxConcurrentWrites && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.active++;
      this.write(batch.map((p) => p.item)).then(
        (results) => batch.forEach((p, i) => p.resolve(results[i] as R)),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      ).finally(() => {
        this.active--;
        this.pump();
        if (this.queue.length === 0 && this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }
}
