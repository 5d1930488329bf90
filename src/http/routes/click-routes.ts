import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LinkPulse } from '../../composition-root.js';
import { ClickPage, ClickPageQuery, ExportQuery } from '../schemas/click-schemas.js';
import { CodeParams, problems } from '../schemas/common.js';
import { linkKeyOf } from '../link-keys.js';

export const clickRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['clicks'];

  app.get('/api/links/:code/clicks', {
    schema: { tags, summary: 'The raw click log, newest first', params: CodeParams, querystring: ClickPageQuery, response: { 200: ClickPage, ...problems(400, 401, 404, 422) } },
  }, async (request) => {
    const { domain, ...query } = request.query;
    return lp.clickQueries.page(linkKeyOf(lp.domains, request.params.code, domain), query);
  });

  app.get('/api/links/:code/clicks/export', {
    schema: { tags, summary: 'Every click as CSV or NDJSON, streamed', params: CodeParams, querystring: ExportQuery, produces: ['text/csv', 'application/x-ndjson'] },
  }, async (request, reply) => {
    const { format, domain, ...range } = request.query;
    const { link, chunks } = await lp.clickQueries.export(linkKeyOf(lp.domains, request.params.code, domain), range, format);
    const csv = format === 'csv';
    // Pulled chunk by chunk: the stream asks for more only when the client has read what it got.
    const body = Readable.from(chunks, { objectMode: false });
    return reply
      .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .header('content-disposition', `attachment; filename="${link.code}-clicks.${csv ? 'csv' : 'ndjson'}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
};
