import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

// `click_links` indexes the clicks by link up to the roller's watermark (written in its steps, not
// in every redirect's commit); past the watermark, a link's clicks are found by id range.

/** Id of the last click rolled up, and so in click_links. */
export async function readWatermark(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('rollup_state').select('watermark').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.watermark);
}

/** Adds the clicks (after, upTo] to click_links: in the roller's transaction that moves the watermark. */
export async function indexClicks(db: Kysely<Database>, after: number, upTo: number): Promise<void> {
  await sql`insert into click_links (link_id, at, id) select link_id, at, id from clicks where id > ${after} and id <= ${upTo}`.execute(db);
}

/** Deletes a link's clicks, rolled up or not, in the caller's transaction. */
export async function deleteLinkClicks(db: Kysely<Database>, linkId: number): Promise<void> {
  const watermark = await readWatermark(db);
  await db.deleteFrom('clicks').where('id', 'in', (eb) => eb.selectFrom('click_links').select('id').where('link_id', '=', linkId)).execute();
  await db.deleteFrom('clicks').where('id', '>', watermark).where(sql<boolean>`+link_id = ${linkId}`).execute();
  await db.deleteFrom('click_links').where('link_id', '=', linkId).execute();
}
