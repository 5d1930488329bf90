import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import type { HttpMetrics } from '../metrics.js';
import { problemOf, sendProblem } from '../problem.js';

export const opsRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse; metrics: HttpMetrics }> = async (app, { lp, metrics }) => {
  const tags = ['operations'];
  const Status = Type.Object({ status: Type.String() });

  app.get('/healthz', { schema: { tags, summary: 'Liveness', response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags, summary: 'Readiness: the database answers', response: { 200: Status } } }, async (request, reply) => {
    try {
      await lp.storage.ping();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      return sendProblem(reply, problemOf(503, 'The database is not reachable'));
    }
  });

  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) => reply.type('text/plain').send('User-agent: *\nDisallow: /api/\nDisallow: /dashboard\n'));
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
};
