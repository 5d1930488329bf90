import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import { CodeParams, problems } from '../schemas/common.js';
import { linkKeyOf } from '../link-keys.js';
import { StatsQuery } from '../schemas/stats-schemas.js';

export const statsRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['analytics'];

  app.get('/api/links/:code/stats', {
    schema: { tags, summary: 'Analytics report of one link', params: CodeParams, querystring: StatsQuery, response: { 200: Type.Ref('Stats'), ...problems(400, 401, 404, 422) } },
  }, async (request) => {
    // `domain` names the link's host here, not a filter (the link lives on one).
    const { domain, ...query } = request.query;
    return lp.stats.forLink(linkKeyOf(lp.domains, request.params.code, domain), query);
  });

  app.get('/api/stats', {
    schema: { tags, summary: 'Analytics report over all links, with top links', querystring: StatsQuery, response: { 200: Type.Ref('Stats'), ...problems(400, 401, 422) } },
  }, async (request) => lp.stats.overall(request.query));
};
