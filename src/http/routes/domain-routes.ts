import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import { problems } from '../schemas/common.js';
import { CreateDomainBody, DomainParams, UpdateDomainBody } from '../schemas/domain-schemas.js';

/** The hosts links live on: the default (the base URL's) and those added here. */
export const domainRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['domains'];

  app.post('/api/domains', {
    schema: {
      tags, summary: 'Add a domain links can live on (a code is unique per domain)', body: CreateDomainBody,
      response: { 201: Type.Ref('Domain'), ...problems(400, 401, 403, 409, 413, 415, 422) },
    },
  }, async (request, reply) => reply.code(201).send(await lp.domains.create(request.body)));

  app.get('/api/domains', {
    schema: { tags, summary: 'Every domain, the default first', response: { 200: Type.Object({ items: Type.Array(Type.Ref('Domain')) }), ...problems(401) } },
  }, async () => ({ items: await lp.domains.list() }));

  app.patch('/api/domains/:host', {
    schema: {
      tags, summary: 'Change a domain\'s redirects (the default domain\'s too)', params: DomainParams, body: UpdateDomainBody,
      response: { 200: Type.Ref('Domain'), ...problems(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request) => lp.domains.updateRedirects(request.params.host, request.body));

  app.delete('/api/domains/:host', {
    schema: {
      tags, summary: 'Remove a domain no link lives on (409 while one does; the default cannot be removed)', params: DomainParams,
      response: { 204: Type.Null(), ...problems(401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    await lp.domains.delete(request.params.host);
    return reply.code(204).send(null);
  });
};
