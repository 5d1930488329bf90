import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

const COLUMNS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'region', 'city', 'target'] as const;

/** Campaign tags, region and city, and the URL a visitor was sent to: nullable, so adding them rewrites no row. */
export function clickCampaignPlaceTarget(): Migration {
  return {
    async up(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('clicks').addColumn(column, 'text').execute();
    },
    async down(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('clicks').dropColumn(column).execute();
    },
  };
}
