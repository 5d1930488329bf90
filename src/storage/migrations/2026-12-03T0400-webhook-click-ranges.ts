import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type AnyDb = Kysely<Record<string, never>>;

/**
 * A clicks.recorded delivery names its range of click ids instead of keeping the clicks: its body is
 * read when it is sent. Deliveries kept so far become the range from before their first click to
 * their last (the clicks of the webhook's links in it are the ones they held) and drop their copy.
 */
export function webhookClickRanges(dialect: SqlDialect): Migration {
  const [first, last] = dialect === 'sqlite'
    ? [sql`json_extract(payload, '$.clicks[0].id')`, sql`json_extract(payload, '$.clicks[#-1].id')`]
    : [sql`(payload::jsonb -> 'clicks' -> 0 ->> 'id')::bigint`, sql`(payload::jsonb -> 'clicks' -> -1 ->> 'id')::bigint`];
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('webhook_deliveries').addColumn('clicks_after', 'bigint').execute();
      await db.schema.alterTable('webhook_deliveries').addColumn('clicks_up_to', 'bigint').execute();
      await sql`update webhook_deliveries set clicks_after = ${first} - 1, clicks_up_to = ${last}, payload = ''
        where type = 'clicks.recorded'`.execute(db);
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('webhook_deliveries').dropColumn('clicks_up_to').execute();
      await db.schema.alterTable('webhook_deliveries').dropColumn('clicks_after').execute();
    },
  };
}
