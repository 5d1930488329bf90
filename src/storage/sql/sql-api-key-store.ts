import type { Kysely, Selectable } from 'kysely';
import type { ApiKey, ApiKeyStore, Role, StoredApiKey } from '../../core/keys/api-key.js';
import type { ApiKeysTable, Database } from '../schema.js';

export class SqlApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: StoredApiKey): Promise<void> {
    await this.db.insertInto('api_keys').values({
      id: key.id, name: key.name, role: key.role, secret_hash: key.secretHash,
      created_at: key.createdAt, last_used_at: key.lastUsedAt,
    }).execute();
  }

  async findById(id: string): Promise<StoredApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...toApiKey(row), secretHash: row.secret_hash };
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toApiKey);
  }

  /** With the key go the dashboard sessions opened with it. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('dashboard_sessions').where('key_id', '=', id).execute();
      const result = await trx.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('api_keys').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
