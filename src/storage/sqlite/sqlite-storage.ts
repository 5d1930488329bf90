import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import { SqlStorage } from '../sql/sql-storage.js';

/** Opens (creating if needed) a SQLite database file in WAL mode. */
export function openSqliteStorage(path: string): SqlStorage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives the process being killed (the OS has the pages);
  // only a power cut can lose the last transactions. FULL would fsync every group commit.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = OFF');
  return new SqlStorage('sqlite', new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
}
