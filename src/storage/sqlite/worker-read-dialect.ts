import { Worker } from 'node:worker_threads';
import {
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  CompiledQuery, type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter,
  type Driver, type Kysely, type QueryCompiler, type QueryResult,
} from 'kysely';

// What the worker allocates is short-lived (rows on their way out); left to itself V8 grew its young
// generation to ~32 MB under reports, held for good (bench scale run by hand: RSS 289 → 230 MB with 6).
const WORKER_YOUNG_GENERATION_MB = 6;
const QUICK_EXIT_MS = 5000;
const MAX_RESTART_DELAY_MS = 5000;

interface Reply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly columns?: string[];
  readonly values?: unknown[][];
  readonly error?: { message: string; code?: string };
}

/** Kysely over a read-only SQLite connection in a worker thread (see read-worker.mjs). */
export class WorkerReadDialect implements Dialect {
  private readonly driver: WorkerReadDriver;

  /** `checkpointMs` > 0: the worker also checkpoints the WAL that often (see read-worker.mjs). */
  constructor(path: string, checkpointMs = 0) {
    this.driver = new WorkerReadDriver(path, checkpointMs);
  }

  /** Stops the worker, read through or not (Kysely destroys only drivers it has used). */
  close(): Promise<void> {
    return this.driver.destroy();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class WorkerReadDriver implements Driver {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  // A worker that cannot start (its script missing, the file unreadable) would be replaced in a tight
  // loop at full CPU: replacements back off while they keep stopping soon after they start.
  private quickExits = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private transactionDone: Promise<void> = Promise.resolve();
  private endTransaction: (() => void) | undefined;
  // The worker answers in order, one query at a time: one shared connection is enough.
  private readonly connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => ({ rows: (await this.query(query)) as R[] }),
    streamQuery: () => {
      throw new Error('The read worker does not stream; page with keyset queries');
    },
  };

  // Started at once, not at the first read: it also checkpoints, and a server may go long without reading.
  constructor(private readonly path: string, private readonly checkpointMs: number) {
    this.worker = this.start();
  }

  async init(): Promise<void> {}

  /** A worker that stops (it should not) fails what it was asked and is replaced. */
  private start(): Worker {
    this.startedAt = performance.now();
    const worker = new Worker(new URL('./read-worker.mjs', import.meta.url), {
      workerData: { path: this.path, checkpointMs: this.checkpointMs },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error) waiter?.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else waiter?.resolve(reply.values ? toObjects(reply.columns ?? [], reply.values) : reply.rows ?? []);
    });
    // Its reads fail as the database being unavailable (a 503), whatever stopped it.
    worker.on('error', (error) => this.failAll(Object.assign(new Error(`the SQLite read worker failed: ${error.message}`), { code: 'SQLITE_IOERR' })));
    worker.on('exit', () => {
      this.failAll(Object.assign(new Error('the SQLite read worker stopped'), { code: 'SQLITE_IOERR' }));
      if (this.worker !== worker) return; // closed
      this.quickExits = performance.now() - this.startedAt < QUICK_EXIT_MS ? this.quickExits + 1 : 0;
      const delay = this.quickExits === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 50 * 2 ** this.quickExits);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.worker === worker) this.worker = this.start();
      }, delay);
      this.restartTimer.unref();
    });
    return worker;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  // A read transaction is one snapshot (reports read rollups and raw clicks that must agree).
  // One at a time; other reads meanwhile run inside it, which only makes them see that snapshot.
  async beginTransaction(): Promise<void> {
    const previous = this.transactionDone;
    let done!: () => void;
    this.transactionDone = new Promise<void>((resolve) => (done = resolve));
    await previous;
    this.endTransaction = done;
    await this.run('begin');
  }

  async commitTransaction(): Promise<void> {
    await this.end('commit');
  }

  async rollbackTransaction(): Promise<void> {
    await this.end('rollback');
  }

  private async end(statement: string): Promise<void> {
    try {
      await this.run(statement);
    } finally {
      this.endTransaction?.();
      this.endTransaction = undefined;
    }
  }

  private run(statement: string): Promise<unknown[]> {
    return this.query(CompiledQuery.raw(statement));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined; // first: its exit must not start another
    await worker?.terminate();
  }

  private query(query: CompiledQuery): Promise<unknown[]> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('The read worker is closed'));
    if (this.restartTimer) return Promise.reject(Object.assign(new Error('the SQLite read worker is restarting'), { code: 'SQLITE_IOERR' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

function toObjects(columns: readonly string[], values: readonly unknown[][]): Record<string, unknown>[] {
  return values.map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) object[columns[i] as string] = row[i];
    return object;
  });
}
