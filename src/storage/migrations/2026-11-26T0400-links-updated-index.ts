import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/** Nodes find the links changed since they last looked (their link caches then drop them). */
export function linksUpdatedIndex(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createIndex('links_updated').on('links').columns(['updated_at']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('links_updated').execute();
    },
  };
}
