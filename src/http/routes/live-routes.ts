import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClickRecorded } from '../../core/clicks/click.js';
import { toClickView } from '../../core/clicks/click-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { LiveQuery } from '../schemas/click-schemas.js';
import { CodeParams, problems } from '../schemas/common.js';

const HEARTBEAT_MS = 15_000;

export const liveRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['live'];
  const produces = ['text/event-stream'];
  // Open streams never finish by themselves: close them so a shutdown does not wait forever.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/api/links/:code/live', {
    schema: { tags, produces, summary: 'Server-sent events: `event: click` with one Click per stored click of this link that passes the filters', params: CodeParams, querystring: LiveQuery, response: problems(400, 401, 404, 422) },
  }, async (request, reply) => {
    const wanted = lp.clickQueries.liveFilter(request.query);
    const link = await lp.links.find(request.params.code);
    stream(lp, open, request, reply, (event) => event.click.linkId === link.id && wanted(event.click, link.tags));
  });

  app.get('/api/live', {
    schema: { tags, produces, summary: 'Server-sent events for every stored click that passes the filters', querystring: LiveQuery, response: problems(400, 401, 422) },
  }, async (request, reply) => {
    const wanted = lp.clickQueries.liveFilter(request.query);
    // The tag filter needs each click's link: from the link cache, in order.
    const tagsOf = async (code: string) => (request.query.tag === undefined ? [] : (await lp.links.resolve(code).catch(() => undefined))?.tags ?? []);
    stream(lp, open, request, reply, async (event) => wanted(event.click, await tagsOf(event.code)));
  });
};

function stream(lp: LinkPulse, open: Set<() => void>, request: FastifyRequest, reply: FastifyReply, wanted: (event: ClickRecorded) => boolean | Promise<boolean>): void {
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
  // Events stay in order even where deciding takes a lookup.
  let previous: Promise<unknown> = Promise.resolve();
  const unsubscribe = lp.bus.subscribe((event) => {
    const verdict = wanted(event);
    if (verdict === true) send(event);
    else if (verdict !== false) previous = Promise.all([previous, verdict]).then(([, yes]) => yes && send(event), () => undefined);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const end = () => {
    clearInterval(heartbeat);
    unsubscribe();
    open.delete(end);
    res.end();
  };
  open.add(end);
  request.raw.on('close', end);
}
