import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toClickView } from '../../core/clicks/click-view.js';
import { NotFoundError } from '../../core/shared/errors.js';
import type { Share } from '../../core/shares/share.js';
import { toSharedClickView } from '../../core/shares/shared-click-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { ClickStreams, lastEventId } from '../click-streams.js';
import { LiveQuery } from '../schemas/click-schemas.js';
import { problems } from '../schemas/common.js';
import { ShareParams } from '../schemas/share-schemas.js';
import { StatsQuery } from '../schemas/stats-schemas.js';
import { RESUME_HELP } from './live-routes.js';
import { linkKey } from '../../core/links/link-key.js';

// Another node's revocation, or the link's deletion, reaches an open stream within this.
const RECHECK_MS = 5000;
// setTimeout's longest delay; a later expiry is met by a recheck.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The public side of a share: its report and live clicks, with no key, and nothing that identifies a visitor. */
export const sharedReportRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['shares'];
  const security: [] = [];
  const streams = new ClickStreams(lp.bus);
  app.addHook('preClose', async () => streams.endAll());

  app.get('/share/:id/stats', {
    schema: {
      tags, security, summary: 'The shared link\'s report: the same query and answer as /api/links/{code}/stats; no API key',
      params: ShareParams, querystring: StatsQuery, response: { 200: Type.Ref('Stats'), ...problems(400, 404, 422) },
    },
  }, async (request) => {
    const share = await lp.shares.open(request.params.id);
    return lp.stats.forLink(linkKey(share.code, share.domain), request.query);
  });

  app.get('/share/:id/live', {
    schema: {
      tags, security, produces: ['text/event-stream'], params: ShareParams, querystring: LiveQuery, response: problems(400, 404, 422, 429),
      summary: 'Server-sent events: `event: click` with one SharedClick per stored click of the shared link that passes the filters; '
        + 'the stream ends when the share is revoked or expires',
      description: RESUME_HELP,
    },
  }, async (request, reply) => {
    const share = await lp.shares.open(request.params.id);
    const resumeAfter = lastEventId(request);
    const wanted = lp.clickQueries.liveFilter(request.query);
    const link = await lp.links.find(linkKey(share.code, share.domain));
    const missed = resumeAfter === undefined ? undefined : lp.clickQueries.missed(resumeAfter, link.id);
    streams.serve(request, reply, {
      missed,
      holder: `share:${share.id}`,
      view: (event) => toSharedClickView(toClickView(event.click, event.code, lp.domains.hostOf(event.domain))),
      wanted: (event) => event.click.linkId === link.id && wanted(event.click, link),
      until: (end) => whileOpen(lp, share, end),
    });
  });
};

/** Calls `end` once the share is revoked (here at once, elsewhere at the next recheck) or expires. */
function whileOpen(lp: LinkPulse, share: Share, end: () => void): () => void {
  const unrevoked = lp.shares.revoked.on((id) => {
    if (id === share.id) end();
  });
  const expiry = share.expiresAt === null ? undefined
    : setTimeout(end, Math.min(MAX_TIMER_MS, Math.max(0, share.expiresAt - lp.clock.now())));
  const recheck = setInterval(() => {
    lp.shares.open(share.id).catch((error: unknown) => {
      if (error instanceof NotFoundError) end();
    });
  }, RECHECK_MS);
  return () => {
    unrevoked();
    clearTimeout(expiry);
    clearInterval(recheck);
  };
}
