import assert from 'node:assert/strict';
import type { Json } from './test-server.js';

export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

/** A server-sent event stream read event by event (`retry:` lines and keep-alive comments skipped). */
export class EventStream {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(res: Response) {
    this.reader = (res.body as ReadableStream<Uint8Array>).getReader();
  }

  async next(): Promise<SseEvent> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
        }
        const event = fields.get('event');
        if (event !== undefined) return { event, id: fields.get('id'), data: fields.get('data') ?? '' };
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the stream ended');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** The click events up to and with the click `lastId` (each event's id its click's); any other event fails. */
  async clicksUntil(lastId: number): Promise<Json[]> {
    const clicks: Json[] = [];
    for (;;) {
      const event = await this.next();
      assert.equal(event.event, 'click', `an event other than a click: ${event.event}`);
      const click = JSON.parse(event.data);
      assert.equal(event.id, String(click.id), 'the event id is the click id');
      clicks.push(click);
      if (click.id === lastId) return clicks;
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }
}
