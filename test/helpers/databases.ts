import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Storage } from '../../src/core/storage.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { tempDir } from './temp-dir.js';

/** A database to test against: a URL for LINKPULSE_DATABASE_URL and a way to drop it. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  readonly name: 'sqlite' | 'postgres';
  /** Why this kind cannot run here, or undefined when it can. */
  readonly skip: string | undefined;
  create(): Promise<TestDatabase>;
}

/** LINKPULSE_TEST_POSTGRES_URL names a server (any database on it); each test gets its own database. */
export const postgresServerUrl = process.env.LINKPULSE_TEST_POSTGRES_URL;

export const sqliteKind: DatabaseKind = {
  name: 'sqlite',
  skip: undefined,
  create: () => {
    const dir = tempDir();
    return Promise.resolve({ url: `sqlite:${dir.path}/linkpulse.db`, drop: () => Promise.resolve(dir.cleanup()) });
  },
};

export const postgresKind: DatabaseKind = {
  name: 'postgres',
  skip: postgresServerUrl ? undefined : 'set LINKPULSE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres to run the PostgreSQL suite',
  create: () => createPostgresDatabase(postgresServerUrl as string, 'linkpulse_test'),
};

/** A new, empty database on the PostgreSQL server at `serverUrl` (tests and `npm run bench`). */
export async function createPostgresDatabase(serverUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const onServer = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

export const DATABASE_KINDS: readonly DatabaseKind[] = [sqliteKind, postgresKind];

/** A migrated storage on a fresh database of `kind`; `close` also drops the database. */
export async function openTestStorage(kind: DatabaseKind): Promise<{ storage: Storage; close: () => Promise<void> }> {
  const database = await kind.create();
  const storage = openStorage(database.url);
  await storage.migrate();
  return {
    storage,
    async close() {
      await storage.close();
      await database.drop();
    },
  };
}
