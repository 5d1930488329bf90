import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';
import { SqlStorage } from '../sql/sql-storage.js';

const INT8_OID = 20;

/** Connects a pool to PostgreSQL; int8 comes back as a JS number (ids and epoch ms fit in 2^53). */
export function openPostgresStorage(connectionString: string, poolSize = 10): SqlStorage {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 3000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server must not crash the process: an idle one the pool replaces; one in use
  // fails its query (a 503) and is dropped when released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new SqlStorage('postgres', new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
}
