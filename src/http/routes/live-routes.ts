import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ClickRecorded } from '../../core/clicks/click.js';
import { toClickView } from '../../core/clicks/click-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { ClickStreams, lastEventId } from '../click-streams.js';
import { LiveQuery } from '../schemas/click-schemas.js';
import { CodeParams, problems } from '../schemas/common.js';

export const RESUME_HELP = 'A stream resumed with Last-Event-ID first replays the clicks stored since that click (up to 1,000; '
  + 'past that it sends `event: reset`: refetch what you show).';

const fullView = (event: ClickRecorded) => toClickView(event.click, event.code);

export const liveRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['live'];
  const produces = ['text/event-stream'];
  const streams = new ClickStreams(lp.bus);
  app.addHook('preClose', async () => streams.endAll());

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
    streams.serve(request, reply, {
      missed, view: fullView, holder: request.principal?.keyId ?? '',
      wanted: (event) => event.click.linkId === link.id && wanted(event.click, link.tags),
    });
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
    streams.serve(request, reply, {
      missed, view: fullView, holder: request.principal?.keyId ?? '',
      wanted: async (event) => wanted(event.click, await tagsOf(event.code)),
    });
  });
};
