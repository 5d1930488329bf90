import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

const COLUMNS = ['preview_title', 'preview_description', 'preview_image', 'rules', 'variants'] as const;

/**
 * The Open Graph preview social networks' crawlers are shown, the targeting rules and the A/B variants
 * (JSON): nullable, so adding them rewrites no row.
 */
export function linkPreviewTargeting(): Migration {
  return {
    async up(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('links').addColumn(column, 'text').execute();
    },
    async down(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('links').dropColumn(column).execute();
    },
  };
}
