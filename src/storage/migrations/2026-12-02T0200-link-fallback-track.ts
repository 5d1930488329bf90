import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/** A link's fallback URL (for when it may not redirect), and whether its redirects are recorded. */
export function linkFallbackTrack(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('links').addColumn('fallback_url', 'text').execute();
      await db.schema.alterTable('links').addColumn('track', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('links').dropColumn('track').execute();
      await db.schema.alterTable('links').dropColumn('fallback_url').execute();
    },
  };
}
