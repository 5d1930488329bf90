import type { Clock } from '../shared/clock.js';
import { randomBase62 } from '../shared/random-text.js';
import { yieldToEventLoop } from '../shared/time-slices.js';
import { attemptError } from './attempt-error.js';
import { RETRY_WINDOW_MS, retryDelay } from './retry-schedule.js';
import { signedHeaders } from './signature.js';
import { clicksEventData, eventBody } from './webhook-events.js';
import type { WebhookSender } from './webhook-sender.js';
import { newDeliveryId, type AttemptOutcome, type ClaimedDelivery, type ClickSubscriber, type WebhookStore } from './webhook.js';

export interface DispatcherOptions {
  readonly store: WebhookStore;
  readonly sender: WebhookSender;
  readonly clock: Clock;
  /** Origin of short URLs in link events. */
  readonly baseUrl: string;
  /** A receiver that has not answered by then has failed the attempt. */
  readonly timeoutMs?: number;
  /** Pause between steps when there is nothing to do. */
  readonly idleMs?: number;
  /** Held deliveries are due again at start: true where no other process can be sending (SQLite). */
  readonly releaseClaimsAtStart?: boolean;
  /** In [0, 1): the retries' jitter. */
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
}

// About 60 KB of JSON: under the body limits web frameworks default to (Express: 100 KB).
const CLICKS_PER_EVENT = 100;
// Click ids read per query: a webhook limited to a few links scans a bounded range for them.
const CLICK_SPAN = 5000;
// Queries per webhook and step; the next step goes on at once.
const CLICK_READS_PER_STEP = 10;
const MAX_IN_FLIGHT = 16;
// A node holds a delivery for its attempt's timeout and this much more to record the attempt.
const CLAIM_MARGIN_MS = 5000;
// Ended deliveries stay in the log (and can be sent again) this long.
const KEEP_ENDED_MS = 3 * 86_400_000;
const PRUNE_PER_STEP = 500;
const PRUNE_EVERY_MS = 60_000;

/**
 * Turns stored clicks into clicks.recorded deliveries (a cursor per webhook over the click ids up
 * to the roller's watermark) and sends due deliveries, signed, retrying failures with backoff. It runs in small steps in
 * the background: nothing of it is on a redirect's path, and every event is in the database before
 * it is sent, so a crash only delays it.
 */
export class WebhookDispatcher {
  private readonly store: WebhookStore;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  // In real time (performance.now()), not the injected clock: it paces the work, not the schedule.
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DispatcherOptions) {
    this.store = options.store;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 500;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = new AbortController();
    this.running = (this.options.releaseClaimsAtStart ? this.store.releaseClaims() : Promise.resolve()).then(
      () => this.schedule(0),
      (error: unknown) => this.failed(error),
    );
  }

  /** Stops stepping; attempts in flight are abandoned (their deliveries are due again) and awaited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.running;
    await this.settled();
  }

  /** Resolves once the attempts started so far have been recorded. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One step: makes the clicks stored since each webhook's cursor into deliveries, a bounded number,
   * then starts attempts for due deliveries while fewer than 16 are in flight. True when more work
   * is waiting.
   */
  async step(): Promise<boolean> {
    let more = false;
    const subscribers = await this.store.clickSubscribers();
    if (subscribers.length > 0) {
      const upTo = await this.store.rolledUpTo();
      for (const subscriber of subscribers) more = (await this.collectClicks(subscriber, upTo)) || more;
    }
    if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    const now = this.options.clock.now();
    const token = randomBase62(16);
    const claimed = await this.store.claim(now, free, now + this.timeoutMs + CLAIM_MARGIN_MS, token);
    for (const delivery of claimed) this.track(this.attempt(delivery, token));
    if (performance.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      // A full prune leaves more for the next step.
      if ((await this.store.pruneEnded(now - KEEP_ENDED_MS, PRUNE_PER_STEP)) < PRUNE_PER_STEP) this.prunedAt = performance.now();
    }
    return more || claimed.length === free;
  }

  /**
   * Makes deliveries of up to 100 clicks each past the subscriber's cursor (each names its range of
   * ids; its clicks are read as it is sent); true when more remain.
   */
  private async collectClicks(subscriber: ClickSubscriber, upTo: number): Promise<boolean> {
    let cursor = subscriber.cursor;
    for (let read = 0; read < CLICK_READS_PER_STEP && cursor < upTo; read++) {
      const end = Math.min(upTo, cursor + CLICK_SPAN);
      const ids = await this.store.clickIdsAfter(cursor, end, subscriber.linkIds, CLICKS_PER_EVENT);
      // A full batch ends at its last click; a short one read the whole range.
      const to = ids.length === CLICKS_PER_EVENT ? (ids.at(-1) ?? end) : end;
      const now = this.options.clock.now();
      const delivery = ids.length === 0 ? undefined : {
        id: newDeliveryId(), clicks: { after: cursor, upTo: to }, createdAt: now, giveUpAt: now + RETRY_WINDOW_MS,
      };
      // Another node took this range first: its delivery stands, this one is dropped.
      if (!(await this.store.advanceClicks(subscriber.webhookId, cursor, to, delivery))) return false;
      cursor = to;
      await yieldToEventLoop();
    }
    return cursor < upTo;
  }

  private async attempt(delivery: ClaimedDelivery, token: string): Promise<void> {
    const at = this.options.clock.now();
    let outcome: AttemptOutcome;
    try {
      const payload = delivery.clicks
        ? clicksEventData(await this.store.clicksJson(delivery.webhookId, delivery.clicks, new URL(this.options.baseUrl).host))
        : delivery.payload;
      const body = eventBody(delivery.type, delivery.createdAt, payload, this.options.baseUrl);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'LinkPulse-Webhooks/1',
        ...signedHeaders(delivery.secret, delivery.id, Math.floor(at / 1000), body),
      };
      const answer = await this.options.sender.post(delivery.url, headers, body, this.timeoutMs, this.stopping.signal);
      outcome = answer.status >= 200 && answer.status < 300
        ? { result: 'delivered', at, status: answer.status }
        : this.failure(delivery, at, answer.status, attemptError(answer.status, answer.excerpt));
    } catch (error) {
      // Stopping: the delivery is due again at once, this attempt not counted.
      if (this.stopping.signal.aborted) return this.store.releaseClaim(delivery.id, token);
      outcome = this.failure(delivery, at, null, attemptError(null, error instanceof Error ? error.message : String(error)));
    }
    await this.store.recordAttempt(delivery.id, token, outcome);
  }

  private failure(delivery: ClaimedDelivery, at: number, status: number | null, error: string): AttemptOutcome {
    const now = this.options.clock.now();
    if (now >= delivery.giveUpAt) {
      const hours = Math.round((now - delivery.createdAt) / 3_600_000);
      return { result: 'failed', at, status, error, disableReason: `Disabled: delivery ${delivery.id} failed for ${hours} h; its last attempt: ${error}` };
    }
    return { result: 'retry', at, status, error, nextAttemptAt: now + retryDelay(delivery.attempts + 1, this.random()) };
  }

  private track(attempt: Promise<void>): void {
    const tracked = attempt.catch((error: unknown) => this.failed(error)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private failed(error: unknown): void {
    this.options.onError?.(error);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.step().then(
        (more) => this.schedule(more ? 0 : this.idleMs),
        (error: unknown) => {
          this.failed(error);
          this.schedule(Math.max(this.idleMs, 1000));
        },
      );
    }, delayMs);
    this.timer.unref();
  }
}

