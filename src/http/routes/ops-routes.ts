import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import type { HttpMetrics } from '../metrics.js';
import { problemOf, sendProblem } from '../problem.js';

export const opsRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse; metrics: HttpMetrics }> = async (app, { lp, metrics }) => {
  const tags = ['operations'];
  const Status = Type.Object({ status: Type.String() });

  app.get('/healthz', { schema: { tags, summary: 'Liveness', response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: { tags, summary: 'Readiness: the database answers, and takes writes again after it failed', response: { 200: Status } },
  }, async (_request, reply) => {
    const incident = lp.databaseIncident;
    try {
      // While the database fails, only a committed write says it works again (nothing else may be
      // writing: a balancer sends no traffic to a node that is not ready).
      await (incident.current ? lp.storage.pingWrite() : lp.storage.ping());
      incident.succeeded();
      return { status: 'ready' };
    } catch (error) {
      incident.failed(error);
      const since = new Date(incident.current?.since ?? lp.clock.now()).toISOString();
      const reason = lp.storage.describeFailure(error);
      return sendProblem(reply.header('retry-after', '5'), problemOf(503, `The database is failing (since ${since}): ${reason}`));
    }
  });

  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) => reply.type('text/plain').send('User-agent: *\nDisallow: /api/\nDisallow: /dashboard\n'));
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
};
