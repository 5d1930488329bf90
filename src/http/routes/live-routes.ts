import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClickRecorded } from '../../core/clicks/click.js';
import { toClickView } from '../../core/clicks/click-view.js';
import { ValidationError } from '../../core/shared/errors.js';
import type { LinkPulse } from '../../composition-root.js';
import { LiveQuery } from '../schemas/click-schemas.js';
import { CodeParams, problems } from '../schemas/common.js';
import { StreamQuota } from './stream-quota.js';

const HEARTBEAT_MS = 15_000;
const RESUME_HELP = 'A stream resumed with Last-Event-ID first replays the clicks stored since that click (up to 1,000; '
  + 'past that it sends `event: reset`: refetch what you show).';

type Wanted = (event: ClickRecorded) => boolean | Promise<boolean>;

export const liveRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['live'];
  const produces = ['text/event-stream'];
  const quota = new StreamQuota();
  // Open streams never finish by themselves: close them so a shutdown does not wait forever.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/api/links/:code/live', {
    schema: {
      tags, produces, params: CodeParams, querystring: LiveQuery, response: problems(400, 401, 404, 422, 429),
      summary: 'Server-sent events: `event: click` with one Click per stored click of this link that passes the filters',
      description: RESUME_HELP,
    },
  }, async (request, reply) => {
    const resumeAfter = lastEventId(request);
    const wanted = lp.clickQueries.liveFilter(request.query);
    const link = await lp.links.find(request.params.code);
    const missed = resumeAfter === undefined ? undefined : lp.clickQueries.missed(resumeAfter, link.id);
    stream(lp, { open, quota }, request, reply, missed, (event) => event.click.linkId === link.id && wanted(event.click, link.tags));
  });

  app.get('/api/live', {
    schema: {
      tags, produces, querystring: LiveQuery, response: problems(400, 401, 422, 429),
      summary: 'Server-sent events for every stored click that passes the filters', description: RESUME_HELP,
    },
  }, async (request, reply) => {
    const resumeAfter = lastEventId(request);
    const wanted = lp.clickQueries.liveFilter(request.query);
    // The tag filter needs each click's link: from the link cache, in order.
    const tagsOf = async (code: string) => (request.query.tag === undefined ? [] : (await lp.links.resolve(code).catch(() => undefined))?.tags ?? []);
    const missed = resumeAfter === undefined ? undefined : lp.clickQueries.missed(resumeAfter);
    stream(lp, { open, quota }, request, reply, missed, async (event) => wanted(event.click, await tagsOf(event.code)));
  });
};

/** The click id a reconnecting EventSource sends back: the last event it received. */
function lastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return undefined;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) {
    throw ValidationError.field('Last-Event-ID', 'must be the id of a click event this stream sent');
  }
  return Number(header);
}

function stream(
  lp: LinkPulse,
  { open, quota }: { open: Set<() => void>; quota: StreamQuota },
  request: FastifyRequest,
  reply: FastifyReply,
  missed: Promise<ClickRecorded[] | undefined> | undefined,
  wanted: Wanted,
): void {
  const release = quota.take(request.principal?.keyId ?? '', request.ip);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  const send = (event: ClickRecorded) => res.write(`id: ${event.click.id}\nevent: click\ndata: ${JSON.stringify(toClickView(event.click, event.code))}\n\n`);
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
  const unsubscribe = lp.bus.subscribe((event) => {
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
  const end = () => {
    clearInterval(heartbeat);
    unsubscribe();
    release();
    open.delete(end);
    res.end();
  };
  open.add(end);
  request.raw.on('close', end);
}
