import { randomBase62 } from '../shared/random-text.js';

export const WEBHOOK_EVENTS = ['clicks.recorded', 'link.created', 'link.updated', 'link.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type LinkEvent = Exclude<WebhookEvent, 'clicks.recorded'>;

/** Where events are posted, signed with its secret. Times are epoch milliseconds. */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  /** The links it is limited to; null: every link. */
  readonly links: readonly { readonly id: number; readonly code: string }[] | null;
  readonly createdAt: number;
  readonly disabledAt: number | null;
  readonly disabledReason: string | null;
}

export interface NewWebhook extends Webhook {
  /** `whsec_` and the base64 of the signing key: shown once, kept to sign. */
  readonly secret: string;
}

/** A delivery's id, its events' `webhook-id`: `msg_` and about 143 random bits. */
export const newDeliveryId = (): string => `msg_${randomBase62(24)}`;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one webhook, and how its sending went. */
export interface Delivery {
  /** The event's `webhook-id`: the same on every attempt, so a receiver can tell a repeat. */
  readonly id: string;
  readonly webhookId: string;
  readonly type: WebhookEvent;
  readonly createdAt: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When pending: when it is tried next. */
  readonly nextAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  /** The receiver's HTTP status of the last attempt; null when it gave none (timeout, refused). */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: number | null;
}

/** The click ids a clicks.recorded delivery stands for: (after, upTo], of its webhook's links. */
export interface ClickIdRange {
  readonly after: number;
  readonly upTo: number;
}

/** A delivery a node holds to send it, with what sending needs. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly type: WebhookEvent;
  /** A link event's data: the link as the change left it (JSON). */
  readonly payload: string;
  /** A clicks.recorded event's clicks, read when it is sent. */
  readonly clicks: ClickIdRange | null;
  readonly createdAt: number;
  readonly attempts: number;
  readonly giveUpAt: number;
  readonly url: string;
  readonly secret: string;
}

/** A webhook that wants clicks, and where it is in the clicks. */
export interface ClickSubscriber {
  readonly webhookId: string;
  readonly cursor: number;
  /** null: every link. */
  readonly linkIds: readonly number[] | null;
}

/** A clicks.recorded delivery about to be stored. */
export interface NewClicksDelivery {
  readonly id: string;
  readonly clicks: ClickIdRange;
  readonly createdAt: number;
  readonly giveUpAt: number;
}

/** How one attempt went, and what follows. */
export type AttemptOutcome =
  | { readonly result: 'delivered'; readonly at: number; readonly status: number }
  | { readonly result: 'retry'; readonly at: number; readonly status: number | null; readonly error: string; readonly nextAttemptAt: number }
  | { readonly result: 'failed'; readonly at: number; readonly status: number | null; readonly error: string; readonly disableReason: string };

/** Storage port for webhooks and their deliveries. */
export interface WebhookStore {
  /** Stores the webhook; it gets the clicks stored from now on. */
  insert(webhook: NewWebhook): Promise<void>;
  /** Every webhook, oldest first. */
  list(): Promise<Webhook[]>;
  find(id: string): Promise<Webhook | undefined>;
  /** Deletes the webhook and its deliveries. */
  delete(id: string): Promise<boolean>;
  /** The webhook's deliveries, newest first, `limit` of them after the keyset position `before`. */
  deliveries(webhookId: string, limit: number, before?: { readonly value: number; readonly id: string }): Promise<Delivery[]>;
  /**
   * Makes the delivery due at `now` again, for another `windowMs` of retries; a disabled webhook is
   * enabled again (its pending deliveries get that window too). False when there is no such delivery.
   */
  retry(webhookId: string, deliveryId: string, now: number, windowMs: number): Promise<boolean>;

  /** Enabled webhooks that want clicks.recorded. */
  clickSubscribers(): Promise<ClickSubscriber[]>;
  /**
   * The roller's watermark: no click still being written can come in under it (the roller learns
   * that bound; taking it again here would hold up click writes a second time).
   */
  rolledUpTo(): Promise<number>;
  /** The ids of up to `limit` clicks in (after, upTo], of the links given (null: all), in order. */
  clickIdsAfter(after: number, upTo: number, linkIds: readonly number[] | null, limit: number): Promise<number[]>;
  /**
   * The clicks of the webhook's links in `range`, in id order, each as the API's click list shows it
   * (JSON; `defaultHost` the default domain's), joined by commas: a clicks.recorded event's list,
   * read as it is sent.
   */
  clicksJson(webhookId: string, range: ClickIdRange, defaultHost: string): Promise<string>;
  /**
   * Moves the webhook's click cursor from `from` to `to` and stores `delivery` (if any), in one
   * transaction; false, with nothing written, when the cursor was no longer at `from`.
   */
  advanceClicks(webhookId: string, from: number, to: number, delivery: NewClicksDelivery | undefined): Promise<boolean>;
  /**
   * Takes up to `limit` deliveries due at `now` of enabled webhooks, for `token` until `until`: no
   * other claim takes them before then (and after, only if this one never recorded its attempt).
   */
  claim(now: number, limit: number, until: number, token: string): Promise<ClaimedDelivery[]>;
  /** Records an attempt of a delivery still held by `token` (a manual retry meanwhile wins). */
  recordAttempt(deliveryId: string, token: string, outcome: AttemptOutcome): Promise<void>;
  /** Makes the delivery due again at once, if `token` still holds it (an attempt cut short by stopping). */
  releaseClaim(deliveryId: string, token: string): Promise<void>;
  /** Makes every held delivery due again (at start, where no other process can be sending). */
  releaseClaims(): Promise<void>;
  /** Deletes deliveries that ended (delivered or failed) before `before`, at most `limit`; answers how many. */
  pruneEnded(before: number, limit: number): Promise<number>;
}
