import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/**
 * A visit imported from another shortener keeps a key naming its source and the source's id of it,
 * unique, so an import run twice stores it once. The index holds imported clicks only: a redirect's
 * click (no key) costs it nothing.
 */
export function clickImportKeys(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('clicks').addColumn('import_key', 'text').execute();
      await db.schema.createIndex('clicks_import_key').unique().on('clicks').column('import_key')
        .where(sql.ref('import_key'), 'is not', null).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('clicks_import_key').execute();
      await db.schema.alterTable('clicks').dropColumn('import_key').execute();
    },
  };
}
