import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../schema.js';
import { SqlStorage } from '../sql/sql-storage.js';
import { assertWritable, describeFileFailure } from './data-directory.js';
import { SqliteClickStore } from './sqlite-click-store.js';
import { sqlitePeriodWriter } from './sqlite-period-writer.js';
import { WorkerReadDialect } from './worker-read-dialect.js';

const STATEMENT_CACHE_SIZE = 500;
const CHECKPOINT_MS = 500;

/** Opens (creating if needed) a SQLite database file in WAL mode. */
export function openSqliteStorage(path: string): SqlStorage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives the process being killed (the OS has the pages);
  // only a power cut can lose the last transactions. FULL would fsync every group commit.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // Checkpoints (the only fsyncs under NORMAL) run in the read worker every half second, not in this
  // connection's commits (see read-worker.mjs); in memory there is no WAL.
  database.pragma('wal_autocheckpoint = 0');
  database.pragma('foreign_keys = OFF');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  // Reports and exports read through a second, read-only connection in a worker thread (WAL lets it
  // read while the main connection writes): a slow report must not stall redirects.
  const periods = sqlitePeriodWriter(database);
  if (path === ':memory:') return new SqlStorage('sqlite', db, { clicks: new SqliteClickStore(db, db, database), periods });
  const worker = new WorkerReadDialect(path, CHECKPOINT_MS);
  const reads = new Kysely<Database>({ dialect: worker });
  return new SqlStorage('sqlite', db, {
    reads,
    clicks: new SqliteClickStore(db, reads, database),
    periods,
    onClose: () => worker.close(),
    canWrite: () => assertWritable(path),
    describe: (error) => describeFileFailure(path, error),
  });
}

const ROLLED_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

/**
 * Kysely prepares every query anew; parsing SQL then costs more than running it.
 * Statements are reusable in better-sqlite3, so keep the recent ones by SQL text.
 * (Safe because nothing here iterates a statement while another query runs.)
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new LRUCache<string, SqliteStatement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => database.close(),
    prepare(sql) {
      // SQLite rolls a transaction back by itself on some errors (a full disk, an I/O error); Kysely's
      // own rollback would then fail, and its error would hide the one that caused it.
      if (sql === 'rollback' && !database.inTransaction) return ROLLED_BACK;
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
