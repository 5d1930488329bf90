import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ClickRecorded } from '../../core/clicks/click.js';
import { toClickView } from '../../core/clicks/click-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { ClickStreams, lastEventId } from '../click-streams.js';
import { LiveQuery } from '../schemas/click-schemas.js';
import { CodeParams, problems } from '../schemas/common.js';
import { linkKeyOf } from '../link-keys.js';
import { linkKey } from '../../core/links/link-key.js';

export const RESUME_HELP = 'A stream resumed with Last-Event-ID first replays the clicks stored since that click (up to 1,000; '
  + 'past that it sends `event: reset`: refetch what you show).';

export const liveRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['live'];
  const produces = ['text/event-stream'];
  const streams = new ClickStreams(lp.bus);
  const fullView = (event: ClickRecorded) => toClickView(event.click, event.code, lp.domains.hostOf(event.domain));
  app.addHook('preClose', async () => streams.endAll());

  app.get('/api/links/:code/live', {
    schema: {
      tags, produces, params: CodeParams, querystring: LiveQuery, response: problems(400, 401, 404, 422, 429),
      summary: 'Server-sent events: `event: click` with one Click per stored click of this link that passes the filters',
      description: RESUME_HELP,
    },
  }, async (request, reply) => {
    const resumeAfter = lastEventId(request);
    const { domain, ...query } = request.query;
    const wanted = lp.clickQueries.liveFilter(query);
    const link = await lp.links.find(linkKeyOf(lp.domains, request.params.code, domain));
    const missed = resumeAfter === undefined ? undefined : lp.clickQueries.missed(resumeAfter, link.id);
    streams.serve(request, reply, {
      missed, view: fullView, holder: request.principal?.keyId ?? '',
      wanted: (event) => event.click.linkId === link.id && wanted(event.click, link),
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
    const tagsOf = async (event: ClickRecorded) => (request.query.tag === undefined ? []
      : (await lp.links.resolve(linkKey(event.code, event.domain)).catch(() => undefined))?.tags ?? []);
    const missed = resumeAfter === undefined ? undefined : lp.clickQueries.missed(resumeAfter);
    streams.serve(request, reply, {
      missed, view: fullView, holder: request.principal?.keyId ?? '',
      wanted: async (event) => wanted(event.click, { tags: await tagsOf(event), domain: event.domain }),
    });
  });
};
