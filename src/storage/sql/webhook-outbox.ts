import { sql, type Kysely } from 'kysely';
import type { Link } from '../../core/links/link.js';
import { RETRY_WINDOW_MS } from '../../core/webhooks/retry-schedule.js';
import { linkEventPayload } from '../../core/webhooks/webhook-events.js';
import { newDeliveryId, type LinkEvent } from '../../core/webhooks/webhook.js';
import type { Database } from '../schema.js';

/**
 * Queues a link event for every webhook that wants it, in the transaction that changes the link:
 * the change and its deliveries commit together or not at all, so a crash loses neither. Disabled
 * webhooks get theirs too, sent once they are enabled again.
 */
export async function recordLinkEvent(trx: Kysely<Database>, type: LinkEvent, link: Link, at: number): Promise<void> {
  const webhooks = await trx.selectFrom('webhooks').select(['id', 'events'])
    .where((eb) => eb.or([eb('all_links', '=', 1), eb('id', 'in', eb.selectFrom('webhook_links').select('webhook_id').where('link_id', '=', link.id))]))
    .execute();
  const wanting = webhooks.filter((w) => w.events.split(',').includes(type));
  if (wanting.length === 0) return;
  const payload = linkEventPayload(link);
  await trx.insertInto('webhook_deliveries').values(wanting.map((w) => ({
    id: newDeliveryId(), webhook_id: w.id, type, payload, created_at: at, status: 'pending', attempts: 0,
    next_attempt_at: at, claimed_by: null, give_up_at: at + RETRY_WINDOW_MS,
  }))).execute();
}

/**
 * A deleted link leaves the webhooks limited to it (SQLite may give its id to the next link), and on
 * SQLite, where a new click is numbered after the highest id left, click cursors must not stay above
 * that: as the rollups' watermark, they are lowered to it. In the deleting transaction.
 */
export async function forgetLinkInWebhooks(trx: Kysely<Database>, linkId: number): Promise<void> {
  await trx.deleteFrom('webhook_links').where('link_id', '=', linkId).execute();
  const highest = sql`(select coalesce(max(id), 0) from clicks)`;
  await sql`update webhooks set click_cursor = ${highest} where click_cursor > ${highest}`.execute(trx);
}
