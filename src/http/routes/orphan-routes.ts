import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import { problems } from '../schemas/common.js';
import { OrphanPage, OrphanPageQuery, OrphanStatsQuery } from '../schemas/orphan-schemas.js';

export const orphanRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['orphan visits'];

  app.get('/api/orphan-visits/stats', {
    schema: {
      tags, summary: 'Report of the visits no link answered (base URL, unknown codes, other 404s)',
      querystring: OrphanStatsQuery, response: { 200: Type.Ref('OrphanStats'), ...problems(400, 401, 422) },
    },
  }, async (request) => {
    const { code: _code, ...report } = await lp.stats.orphans(request.query);
    return report;
  });

  app.get('/api/orphan-visits/clicks', {
    schema: {
      tags, summary: 'The orphan visits, newest first', querystring: OrphanPageQuery, response: { 200: OrphanPage, ...problems(400, 401, 422) },
    },
  }, async (request) => lp.orphans.page(request.query));
};
