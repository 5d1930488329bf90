import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClickBus } from '../core/clicks/click-bus.js';
import type { ClickRecorded } from '../core/clicks/click.js';
import { ValidationError } from '../core/shared/errors.js';
import { StreamQuota } from './routes/stream-quota.js';

const HEARTBEAT_MS = 15_000;

export interface ClickStream {
  /** The clicks a resumed stream missed (undefined: it could not tell, so `event: reset`). */
  readonly missed: Promise<ClickRecorded[] | undefined> | undefined;
  readonly wanted: (event: ClickRecorded) => boolean | Promise<boolean>;
  /** What an event carries of a click. */
  readonly view: (event: ClickRecorded) => unknown;
  /** Who the stream counts against, besides the client's address. */
  readonly holder: string;
  /** Ends the stream from outside (say, a revoked share); answers what stops watching. */
  readonly until?: (end: () => void) => () => void;
}

/** Server-sent event streams of clicks: caps per holder and address, heartbeats, resume, closing all. */
export class ClickStreams {
  private readonly quota = new StreamQuota();
  private readonly open = new Set<() => void>();

  constructor(private readonly bus: ClickBus) {}

  /** Open streams never finish by themselves: a shutdown ends them. */
  endAll(): void {
    for (const end of this.open) end();
  }

  serve(request: FastifyRequest, reply: FastifyReply, stream: ClickStream): void {
    const { missed, wanted, view } = stream;
    const release = this.quota.take(stream.holder, request.ip);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const send = (event: ClickRecorded) => res.write(`id: ${event.click.id}\nevent: click\ndata: ${JSON.stringify(view(event))}\n\n`);
    // A click both replayed and heard live (committed while the replay was read) goes out once.
    const replayed = new Set<number>();
    // Events stay in order, the replay first, even where deciding takes a lookup: while any decision
    // is queued, the next one queues behind it.
    let queued = 0;
    let previous: Promise<unknown> = Promise.resolve();
    const enqueue = (decide: () => Promise<void>) => {
      queued++;
      previous = previous.then(decide).catch(() => undefined).finally(() => queued--);
    };
    if (missed !== undefined) {
      enqueue(async () => {
        const clicks = await missed.catch((error: unknown) => {
          request.log.warn({ err: error }, 'live stream could not replay missed clicks');
          return undefined;
        });
        if (clicks === undefined) res.write('event: reset\ndata: {}\n\n');
        for (const event of clicks ?? []) {
          replayed.add(event.click.id);
          if (await wanted(event)) send(event);
        }
      });
    }
    const unsubscribe = this.bus.subscribe((event) => {
      if (replayed.has(event.click.id)) return;
      const verdict = wanted(event);
      if (queued === 0 && typeof verdict === 'boolean') {
        if (verdict) send(event);
        return;
      }
      enqueue(async () => {
        if ((await verdict) && !replayed.has(event.click.id)) send(event);
      });
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    let stopWatching = () => {};
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      stopWatching();
      release();
      this.open.delete(end);
      res.end();
    };
    this.open.add(end);
    request.raw.on('close', end);
    if (stream.until) stopWatching = stream.until(end);
  }
}

/** The click id a reconnecting EventSource sends back: the last event it received. */
export function lastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return undefined;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) {
    throw ValidationError.field('Last-Event-ID', 'must be the id of a click event this stream sent');
  }
  return Number(header);
}
