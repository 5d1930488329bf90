import pg from 'pg';
import type { ClickRecorded } from '../../core/clicks/click.js';
import type { ClickBus, ClickListener } from '../../core/clicks/click-bus.js';
import type { LinkChangeFeed } from '../../core/links/link-change-feed.js';

// Clicks go out as JSON arrays, as many as fit in a notification (PostgreSQL takes payloads under
// 8 000 bytes): one notification per click woke every listening node and parsed there once a click.
// The old channel, one click a notification, is still heard (nodes of an older version).
const CLICK_BATCHES = 'linkpulse_click_batches';
const CLICKS = 'linkpulse_clicks';
const LINKS = 'linkpulse_links';
const MAX_PAYLOAD_BYTES = 7_900;
const RECONNECT_MS = 1000;

export interface EventLog {
  warn(details: object, message: string): void;
}

/**
 * Live events across nodes with PostgreSQL LISTEN/NOTIFY: nothing to run beside the database.
 * Every node, the sender included, hears each event once from the database.
 * Events during a lost connection are not replayed: live views are a convenience, the clicks are stored.
 */
export class PostgresEvents implements ClickBus {
  private readonly clickListeners = new Set<ClickListener>();
  private readonly linkListeners = new Set<(code: string) => void>();
  private readonly sender: pg.Pool;
  private listener: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly connectionString: string, private readonly log: EventLog) {
    this.sender = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 3000 });
    this.sender.on('error', () => undefined);
    this.sender.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Resolves once this node listens, so no event sent after start is missed. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 3000 });
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${CLICK_BATCHES}; LISTEN ${CLICKS}; LISTEN ${LINKS}`);
    this.listener = client;
  }

  publish(events: readonly ClickRecorded[]): void {
    const arrays = asArrays(events.map((e) => JSON.stringify(e)), (i) => {
      const event = events[i] as ClickRecorded;
      this.log.warn({ code: event.code, id: event.click.id }, 'live event too large to send');
    });
    if (arrays.length > 0) this.send(CLICK_BATCHES, arrays);
  }

  subscribe(listener: ClickListener): () => void {
    this.clickListeners.add(listener);
    return () => this.clickListeners.delete(listener);
  }

  /** The same connection as a feed of link changes (`subscribe` is the click bus's name already). */
  readonly links: LinkChangeFeed = {
    announce: (code) => this.send(LINKS, [code]),
    subscribe: (listener) => {
      this.linkListeners.add(listener);
      return () => this.linkListeners.delete(listener);
    },
  };

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await Promise.allSettled([this.listener?.end(), this.sender.end()]);
  }

  private send(channel: string, payloads: string[]): void {
    this.sender.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [channel, payloads])
      .catch((error: unknown) => this.log.warn({ err: error, channel }, 'live event not sent'));
  }

  private deliver(channel: string, payload: string): void {
    if (channel === LINKS) {
      for (const listener of this.linkListeners) listener(payload);
      return;
    }
    if (this.clickListeners.size === 0) return; // nobody on this node is watching
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    const events = (channel === CLICK_BATCHES && Array.isArray(parsed) ? parsed : [parsed]) as ClickRecorded[];
    for (const event of events) for (const listener of this.clickListeners) listener(event);
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.log.warn({ err: error }, 'lost the live-event connection; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.start().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
  }
}

/** JSON arrays of the items, in order, each under MAX_PAYLOAD_BYTES; an item too large alone is left out. */
export function asArrays(items: readonly string[], tooLarge: (index: number) => void = () => undefined): string[] {
  const arrays: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const [index, item] of items.entries()) {
    const size = Buffer.byteLength(item) + 1;
    if (size + 1 > MAX_PAYLOAD_BYTES) { // "[" + item + "]"
      tooLarge(index);
      continue;
    }
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      arrays.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) arrays.push(`[${current.join(',')}]`);
  return arrays;
}
