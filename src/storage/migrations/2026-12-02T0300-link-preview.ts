import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

const COLUMNS = ['preview_title', 'preview_description', 'preview_image'] as const;

/** The Open Graph preview social networks' crawlers are shown: nullable, so adding it rewrites no row. */
export function linkPreview(): Migration {
  return {
    async up(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('links').addColumn(column, 'text').execute();
    },
    async down(db: AnyDb) {
      for (const column of COLUMNS) await db.schema.alterTable('links').dropColumn(column).execute();
    },
  };
}
