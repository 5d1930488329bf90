import type { Storage } from '../core/storage.js';
import { openPostgresStorage } from './postgres/postgres-storage.js';
import { openSqliteStorage } from './sqlite/sqlite-storage.js';

/** The one place a database URL becomes a storage implementation. */
export function openStorage(databaseUrl: string): Storage {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    return openPostgresStorage(databaseUrl);
  }
  return openSqliteStorage(databaseUrl.replace(/^sqlite:/, ''));
}
