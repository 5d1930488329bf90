import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Share } from '../../core/shares/share.js';
import type { LinkPulse } from '../../composition-root.js';
import { CodeParams, problems } from '../schemas/common.js';
import { DomainQuery, linkKeyOf } from '../link-keys.js';
import { CreateShareBody, ShareListQuery, ShareParams } from '../schemas/share-schemas.js';

/** Managing shares (admin): each opens a link's report, read-only, to whoever has its URL. */
export const shareRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['shares'];
  const config = { role: 'admin' as const };
  const view = (share: Share) => shareView(share, lp.config.baseUrl, lp.domains.hostOf(share.domain));

  app.post('/api/links/:code/shares', {
    config,
    // Without a body (or a content type) it is a share that never expires.
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      tags, summary: 'Share the link\'s report: a public, read-only, live page without IPs, user agents or visitor ids',
      params: CodeParams, querystring: DomainQuery, body: CreateShareBody, response: { 201: Type.Ref('Share'), ...problems(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => reply.code(201).send(view(await lp.shares.create(linkKeyOf(lp.domains, request.params.code, request.query.domain), request.body))));

  app.get('/api/shares', {
    config,
    schema: { tags, summary: 'List shares, newest first (expired ones too)', querystring: ShareListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Ref('Share')) }), ...problems(400, 401, 403, 404) } },
  }, async (request) => {
    const { code, domain } = request.query;
    return { items: (await lp.shares.list(code === undefined ? undefined : linkKeyOf(lp.domains, code, domain))).map(view) };
  });

  app.delete('/api/shares/:id', {
    config,
    schema: { tags, summary: 'Revoke a share at once: its page, report and live streams answer 404 from now on', params: ShareParams, response: { 204: Type.Null(), ...problems(401, 403, 404) } },
  }, async (request, reply) => {
    await lp.shares.revoke(request.params.id);
    return reply.code(204).send(null);
  });
};

export function shareView(share: Share, baseUrl: string, linkDomain: string) {
  return {
    id: share.id,
    url: `${baseUrl}/share/${share.id}`,
    linkCode: share.code,
    linkDomain,
    createdAt: new Date(share.createdAt).toISOString(),
    expiresAt: share.expiresAt === null ? null : new Date(share.expiresAt).toISOString(),
  };
}
