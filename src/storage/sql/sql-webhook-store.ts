import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  AttemptOutcome, ClaimedDelivery, ClickIdRange, ClickSubscriber, Delivery, DeliveryStatus, NewClicksDelivery, NewWebhook, Webhook, WebhookEvent, WebhookStore,
} from '../../core/webhooks/webhook.js';
import type { Database, SqlDialect, WebhookDeliveriesTable, WebhooksTable } from '../schema.js';
import { DEFAULT_DOMAIN } from '../../core/links/link-key.js';
import { clickJson } from './click-export-page.js';
import { readWatermark } from './click-links.js';

const CLICKS_EVENT: WebhookEvent = 'clicks.recorded';

export class SqlWebhookStore implements WebhookStore {
  constructor(
    private readonly kind: SqlDialect,
    private readonly db: Kysely<Database>,
    /** Where clicks are read (SQLite: the read worker, so reading them never holds up redirects). */
    private readonly reads: Kysely<Database> = db,
  ) {}

  async insert(webhook: NewWebhook): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // From now on: the clicks stored before it are not its to deliver.
      const cursor = await trx.selectFrom('clicks').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      await trx.insertInto('webhooks').values({
        id: webhook.id, url: webhook.url, events: webhook.events.join(','), all_links: webhook.links === null ? 1 : 0, secret: webhook.secret,
        created_at: webhook.createdAt, click_cursor: Number(cursor?.id ?? 0), disabled_at: webhook.disabledAt, disabled_reason: webhook.disabledReason,
      }).execute();
      if (webhook.links !== null && webhook.links.length > 0) {
        await trx.insertInto('webhook_links').values(webhook.links.map((l) => ({ webhook_id: webhook.id, link_id: l.id, code: l.code }))).execute();
      }
    });
  }

  async list(): Promise<Webhook[]> {
    return this.withLinks(await this.db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute());
  }

  async find(id: string): Promise<Webhook | undefined> {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).execute();
    return (await this.withLinks(rows))[0];
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      await trx.deleteFrom('webhook_links').where('webhook_id', '=', id).execute();
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  async deliveries(webhookId: string, limit: number, before?: { readonly value: number; readonly id: string }): Promise<Delivery[]> {
    let query = this.db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS).where('webhook_id', '=', webhookId);
    if (before) {
      query = query.where('created_at', '<=', before.value)
        .where((eb) => eb.or([eb('created_at', '<', before.value), eb.and([eb('created_at', '=', before.value), eb('id', '<', before.id)])]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  async retry(webhookId: string, deliveryId: string, now: number, windowMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx.updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now, claimed_by: null, give_up_at: now + windowMs })
        .where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return false;
      const enabled = await trx.updateTable('webhooks').set({ disabled_at: null, disabled_reason: null })
        .where('id', '=', webhookId).where('disabled_at', 'is not', null).executeTakeFirst();
      // Enabled again: what waited meanwhile gets its own day of retries.
      if (Number(enabled.numUpdatedRows) > 0) {
        await trx.updateTable('webhook_deliveries').set({ give_up_at: now + windowMs })
          .where('webhook_id', '=', webhookId).where('status', '=', 'pending').execute();
      }
      return true;
    });
  }

  async clickSubscribers(): Promise<ClickSubscriber[]> {
    const rows = await this.db.selectFrom('webhooks').select(['id', 'events', 'all_links', 'click_cursor']).where('disabled_at', 'is', null).execute();
    const wanting = rows.filter((r) => r.events.split(',').includes(CLICKS_EVENT));
    const limited = wanting.filter((r) => Number(r.all_links) === 0).map((r) => r.id);
    const links = limited.length === 0 ? [] : await this.db.selectFrom('webhook_links').select(['webhook_id', 'link_id']).where('webhook_id', 'in', limited).execute();
    return wanting.map((r) => ({
      webhookId: r.id,
      cursor: Number(r.click_cursor),
      linkIds: Number(r.all_links) === 1 ? null : links.filter((l) => l.webhook_id === r.id).map((l) => Number(l.link_id)),
    }));
  }

  rolledUpTo(): Promise<number> {
    return readWatermark(this.db);
  }

  async clickIdsAfter(after: number, upTo: number, linkIds: readonly number[] | null, limit: number): Promise<number[]> {
    // A webhook limited to links that are all gone wants nothing more.
    if (linkIds !== null && linkIds.length === 0) return [];
    let select = this.reads.selectFrom('clicks as c').select('c.id').where('c.id', '>', after).where('c.id', '<=', upTo);
    // "+": by the id range, not the link's every click.
    if (linkIds !== null) select = select.where(sql<boolean>`+c.link_id in (${sql.join(linkIds)})`);
    const rows = await select.orderBy('c.id').limit(limit).execute();
    return rows.map((row) => Number(row.id));
  }

  async clicksJson(webhookId: string, range: ClickIdRange, defaultHost: string): Promise<string> {
    // Written by the database (SQLite: in the read worker), as the export's NDJSON lines are.
    const host = sql<string>`case when l.domain = ${DEFAULT_DOMAIN} then ${defaultHost} else l.domain end`;
    const line = clickJson(this.kind, { code: sql<string>`l.code`, domain: host }, { from: 0, newest: Date.now() });
    const { rows } = await sql<{ text: string | null }>`
      select string_agg(line, ',' order by id) as text from (
        select c.id, ${line} as line from clicks c join links l on l.id = c.link_id
        where c.id > ${range.after} and c.id <= ${range.upTo}
          and (exists (select 1 from webhooks w where w.id = ${webhookId} and w.all_links = 1)
            or +c.link_id in (select link_id from webhook_links where webhook_id = ${webhookId}))) t`.execute(this.reads);
    return rows[0]?.text ?? '';
  }

  async advanceClicks(webhookId: string, from: number, to: number, delivery: NewClicksDelivery | undefined): Promise<boolean> {
    return this.bookkeeping(async (trx) => {
      const moved = await trx.updateTable('webhooks').set({ click_cursor: to })
        .where('id', '=', webhookId).where('click_cursor', '=', from).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      if (delivery) await trx.insertInto('webhook_deliveries').values(newDeliveryRow(webhookId, delivery)).execute();
      return true;
    });
  }

  async claim(now: number, limit: number, until: number, token: string): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const due = await this.db.selectFrom('webhook_deliveries as d').innerJoin('webhooks as w', 'w.id', 'd.webhook_id').select('d.id')
      .where('d.status', '=', 'pending').where('d.next_attempt_at', '<=', now).where('w.disabled_at', 'is', null)
      .orderBy('d.next_attempt_at').limit(limit).execute();
    if (due.length === 0) return [];
    // Taken only if still due: of two nodes claiming the same delivery, the second finds it held
    // (PostgreSQL re-checks the condition on the row the first one wrote).
    await this.bookkeeping((trx) => trx.updateTable('webhook_deliveries').set({ claimed_by: token, next_attempt_at: until })
      .where('id', 'in', due.map((d) => d.id)).where('status', '=', 'pending').where('next_attempt_at', '<=', now).execute());
    const rows = await this.db.selectFrom('webhook_deliveries as d').innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select(['d.id', 'd.webhook_id', 'd.type', 'd.payload', 'd.clicks_after', 'd.clicks_up_to', 'd.created_at', 'd.attempts', 'd.give_up_at', 'w.url', 'w.secret'])
      .where('d.claimed_by', '=', token).where('d.id', 'in', due.map((d) => d.id)).execute();
    return rows.map((r) => ({
      id: r.id, webhookId: r.webhook_id, type: r.type as WebhookEvent, payload: r.payload, createdAt: Number(r.created_at),
      clicks: r.clicks_after === null || r.clicks_up_to === null ? null : { after: Number(r.clicks_after), upTo: Number(r.clicks_up_to) },
      attempts: Number(r.attempts), giveUpAt: Number(r.give_up_at), url: r.url, secret: r.secret,
    }));
  }

  async recordAttempt(deliveryId: string, token: string, outcome: AttemptOutcome): Promise<void> {
    await this.bookkeeping(async (trx) => {
      const attempt = { attempts: sql<number>`attempts + 1`, claimed_by: null, last_attempt_at: outcome.at, last_status: outcome.status };
      // An ended delivery's next_attempt_at says when it ended (pruning reads it by the index).
      const set = outcome.result === 'delivered'
        ? { ...attempt, status: 'delivered', next_attempt_at: outcome.at, last_error: null, delivered_at: outcome.at }
        : { ...attempt, status: outcome.result === 'retry' ? 'pending' : 'failed', next_attempt_at: outcome.result === 'retry' ? outcome.nextAttemptAt : outcome.at, last_error: outcome.error };
      const row = await trx.updateTable('webhook_deliveries').set(set)
        .where('id', '=', deliveryId).where('claimed_by', '=', token).returning('webhook_id').executeTakeFirst();
      if (row && outcome.result === 'failed') {
        await trx.updateTable('webhooks').set({ disabled_at: outcome.at, disabled_reason: outcome.disableReason })
          .where('id', '=', row.webhook_id).where('disabled_at', 'is', null).execute();
      }
    });
  }

  async releaseClaim(deliveryId: string, token: string): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set({ claimed_by: null, next_attempt_at: 0 })
      .where('id', '=', deliveryId).where('claimed_by', '=', token).where('status', '=', 'pending').execute();
  }

  async releaseClaims(): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set({ claimed_by: null, next_attempt_at: 0 })
      .where('claimed_by', 'is not', null).where('status', '=', 'pending').execute();
  }

  async pruneEnded(before: number, limit: number): Promise<number> {
    const ended = this.db.selectFrom('webhook_deliveries').select('id')
      .where('status', 'in', ['delivered', 'failed']).where('next_attempt_at', '<', before).limit(limit);
    const result = await this.bookkeeping((trx) => trx.deleteFrom('webhook_deliveries').where('id', 'in', ended).executeTakeFirst());
    return Number(result.numDeletedRows);
  }

  /**
   * A transaction of the dispatcher's own bookkeeping. On PostgreSQL its commit does not wait for the
   * WAL to reach the disk: the click batches' commits then do not queue behind it. Should the database
   * itself crash within that moment, the change is undone and redone later: a delivery made or sent
   * again, an attempt again (at least once still holds); a LinkPulse crash loses nothing.
   */
  private bookkeeping<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      return work(trx);
    });
  }

  private async withLinks(rows: Selectable<WebhooksTable>[]): Promise<Webhook[]> {
    const limited = rows.filter((r) => Number(r.all_links) === 0).map((r) => r.id);
    const links = limited.length === 0 ? [] : await this.db.selectFrom('webhook_links').select(['webhook_id', 'link_id', 'code'])
      .where('webhook_id', 'in', limited).orderBy('code').execute();
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      events: r.events.split(',') as WebhookEvent[],
      links: Number(r.all_links) === 1 ? null : links.filter((l) => l.webhook_id === r.id).map((l) => ({ id: Number(l.link_id), code: l.code })),
      createdAt: Number(r.created_at),
      disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
      disabledReason: r.disabled_reason,
    }));
  }
}

const DELIVERY_COLUMNS = [
  'id', 'webhook_id', 'type', 'created_at', 'status', 'attempts', 'next_attempt_at', 'last_attempt_at', 'last_status', 'last_error', 'delivered_at',
] as const;

function toDelivery(r: Pick<Selectable<WebhookDeliveriesTable>, (typeof DELIVERY_COLUMNS)[number]>): Delivery {
  const status = r.status as DeliveryStatus;
  const nullableNumber = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: r.id, webhookId: r.webhook_id, type: r.type as WebhookEvent, createdAt: Number(r.created_at), status, attempts: Number(r.attempts),
    nextAttemptAt: status === 'pending' ? Number(r.next_attempt_at) : null, lastAttemptAt: nullableNumber(r.last_attempt_at),
    lastStatus: nullableNumber(r.last_status), lastError: r.last_error, deliveredAt: nullableNumber(r.delivered_at),
  };
}

function newDeliveryRow(webhookId: string, d: NewClicksDelivery): WebhookDeliveriesTable {
  return {
    id: d.id, webhook_id: webhookId, type: CLICKS_EVENT, payload: '', clicks_after: d.clicks.after, clicks_up_to: d.clicks.upTo, created_at: d.createdAt, status: 'pending', attempts: 0,
    next_attempt_at: d.createdAt, claimed_by: null, give_up_at: d.giveUpAt, last_attempt_at: null, last_status: null, last_error: null, delivered_at: null,
  };
}
