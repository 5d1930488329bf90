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
  async create() {
    const server = new URL(postgresServerUrl as string);
    const name = `linkpulse_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.href });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(server.href);
    url.pathname = `/${name}`;
    return {
      url: url.href,
      async drop() {
        const client = new pg.Client({ connectionString: server.href });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  },
};

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
