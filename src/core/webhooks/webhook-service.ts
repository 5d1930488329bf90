import type { LinkService } from '../links/link-service.js';
import { linkKey } from '../links/link-key.js';
import { canonicalTargetUrl } from '../links/url-rules.js';
import type { Clock } from '../shared/clock.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import type { Page } from '../shared/page.js';
import { randomBase62 } from '../shared/random-text.js';
import { RETRY_WINDOW_MS } from './retry-schedule.js';
import { newSecret } from './signature.js';
import { WEBHOOK_EVENTS, type Delivery, type NewWebhook, type Webhook, type WebhookEvent, type WebhookStore } from './webhook.js';

export interface CreateWebhookInput {
  readonly url: string;
  readonly events: readonly string[];
  /** Codes of the links it is limited to; absent: every link. */
  readonly links?: readonly string[] | undefined;
}

const WEBHOOK_ID = /^wh_[0-9A-Za-z]{24}$/;
const DELIVERY_ID = /^msg_[0-9A-Za-z]{24}$/;
const MAX_LINKS = 1000;

/** Webhooks as an admin manages them: create (the secret shown once), list, delete, deliveries, retry. */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly links: LinkService,
    private readonly clock: Clock,
    /** host[:port] values of this service: a webhook there would post to itself. */
    private readonly ownHosts: readonly string[],
  ) {}

  async create(input: CreateWebhookInput): Promise<NewWebhook> {
    const errors = new FieldErrors();
    const url = errors.attempt(() => canonicalTargetUrl(input.url, this.ownHosts, 'url'));
    const events = checkEvents(input.events, errors);
    const links = input.links === undefined ? null : await this.findLinks(input.links, errors);
    errors.throwIfAny();
    const webhook: NewWebhook = {
      id: `wh_${randomBase62(24)}`, url: url as string, events, links, secret: newSecret(),
      createdAt: this.clock.now(), disabledAt: null, disabledReason: null,
    };
    await this.store.insert(webhook);
    return webhook;
  }

  list(): Promise<Webhook[]> {
    return this.store.list();
  }

  async delete(id: string): Promise<void> {
    if (!WEBHOOK_ID.test(id) || !(await this.store.delete(id))) throw notFound(id);
  }

  /** The webhook's deliveries, newest first. */
  async deliveries(id: string, request: { readonly limit: number; readonly cursor?: string | undefined }): Promise<Page<Delivery>> {
    await this.find(id);
    const before = request.cursor === undefined ? undefined : decodeDeliveryCursor(request.cursor);
    if (request.cursor !== undefined && before === undefined) throw ValidationError.field('cursor', 'is not a cursor this API gave out');
    const rows = await this.store.deliveries(id, request.limit + 1, before);
    const items = rows.slice(0, request.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > request.limit && last ? encodeDeliveryCursor(last) : null };
  }

  /** Sends the delivery again now (a disabled webhook is enabled again), with a new day of retries. */
  async retry(id: string, deliveryId: string): Promise<void> {
    await this.find(id);
    if (!DELIVERY_ID.test(deliveryId) || !(await this.store.retry(id, deliveryId, this.clock.now(), RETRY_WINDOW_MS))) {
      throw new NotFoundError(`The webhook "${id}" has no delivery "${deliveryId}"`);
    }
  }

  private async find(id: string): Promise<Webhook> {
    const webhook = WEBHOOK_ID.test(id) ? await this.store.find(id) : undefined;
    if (!webhook) throw notFound(id);
    return webhook;
  }

  private async findLinks(codes: readonly string[], errors: FieldErrors): Promise<{ id: number; code: string }[]> {
    if (codes.length === 0) errors.add('links', 'must name at least one link (leave it out for every link)');
    if (codes.length > MAX_LINKS) errors.add('links', `must name at most ${MAX_LINKS} links (got ${codes.length})`);
    if (codes.length === 0 || codes.length > MAX_LINKS) return [];
    const found = new Map<number, { id: number; code: string }>();
    for (const [i, code] of codes.entries()) {
      try {
        const link = await this.links.find(linkKey(code));
        found.set(link.id, { id: link.id, code: link.code });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        errors.add(`links[${i}]`, error.message);
      }
    }
    return [...found.values()];
  }
}

function checkEvents(events: readonly string[], errors: FieldErrors): WebhookEvent[] {
  if (events.length === 0) errors.add('events', `must name at least one of ${WEBHOOK_EVENTS.join(', ')}`);
  for (const [i, event] of events.entries()) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) errors.add(`events[${i}]`, `must be one of ${WEBHOOK_EVENTS.join(', ')}`);
  }
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No webhook has the id "${id}"`);
}

function encodeDeliveryCursor(delivery: Delivery): string {
  return Buffer.from(`${delivery.createdAt}:${delivery.id}`).toString('base64url');
}

function decodeDeliveryCursor(cursor: string): { value: number; id: string } | undefined {
  const match = /^(\d{1,16}):(msg_[0-9A-Za-z]{24})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { value: Number(match[1]), id: match[2] as string } : undefined;
}
