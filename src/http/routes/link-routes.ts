import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toLinkView } from '../../core/links/link-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { CodeParams, problems } from '../schemas/common.js';
import { CreateLinkBody, LinkPage, ListLinksQuery, UpdateLinkBody } from '../schemas/link-schemas.js';

export const linkRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const view = (link: Parameters<typeof toLinkView>[0]) => toLinkView(link, lp.config.baseUrl);
  const tags = ['links'];

  app.post('/api/links', {
    schema: { tags, summary: 'Shorten a URL', body: CreateLinkBody, response: { 201: Type.Ref('Link'), ...problems(400, 401, 403, 409, 413, 415, 422) } },
  }, async (request, reply) => {
    const link = await lp.links.create(request.body);
    return reply.code(201).header('location', `/api/links/${link.code}`).send(view(link));
  });

  app.get('/api/links', {
    schema: { tags, summary: 'List links', querystring: ListLinksQuery, response: { 200: LinkPage, ...problems(400, 401, 422) } },
  }, async (request) => {
    const { limit, cursor, q, tag, sort } = request.query;
    const page = await lp.links.list({ limit, cursor, search: q, tag, sort });
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  });

  app.get('/api/links/:code', {
    schema: { tags, summary: 'Read a link', params: CodeParams, response: { 200: Type.Ref('Link'), ...problems(401, 404, 422) } },
  }, async (request) => view(await lp.links.get(request.params.code)));

  app.patch('/api/links/:code', {
    schema: { tags, summary: 'Change a link', params: CodeParams, body: UpdateLinkBody, response: { 200: Type.Ref('Link'), ...problems(400, 401, 403, 404, 413, 415, 422) } },
  }, async (request) => view(await lp.links.update(request.params.code, request.body)));

  app.delete('/api/links/:code', {
    schema: { tags, summary: 'Delete a link and its clicks', params: CodeParams, response: { 204: Type.Null(), ...problems(401, 403, 404, 422) } },
  }, async (request, reply) => {
    await lp.links.delete(request.params.code);
    return reply.code(204).send(null);
  });
};
