import type { Kysely } from 'kysely';
import type { SaltStore } from '../../core/clicks/click-store.js';
import type { Database } from '../schema.js';

export class SqlSaltStore implements SaltStore {
  constructor(private readonly db: Kysely<Database>) {}

  async saltForDay(day: string, candidate: string): Promise<string> {
    // Several nodes may race for the first click of a day: the first insert wins, all read it back.
    await this.db.insertInto('visitor_salts').values({ day, salt: candidate }).onConflict((oc) => oc.column('day').doNothing()).execute();
    const row = await this.db.selectFrom('visitor_salts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
    return row.salt;
  }

  async deleteBefore(day: string): Promise<void> {
    await this.db.deleteFrom('visitor_salts').where('day', '<', day).execute();
  }
}
