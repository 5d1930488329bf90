import { createServer } from 'node:http';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { LinkPulse } from '../composition-root.js';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { authenticator } from './auth.js';
import { guessThrottles } from './guess-throttle.js';
import { redirectFastPath } from './redirect-fast-path.js';
import { strictTransportSecurity } from './hsts.js';
import { PAGE_STYLE_SOURCE } from './html.js';
import { HttpMetrics } from './metrics.js';
import type { TrustProxy } from '../config.js';
import { requireJsonBodies } from './json-bodies.js';
import { clientErrorHandler, frameworkErrorHandler, installProblemHandlers } from './problem.js';
import { clickRoutes } from './routes/click-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { domainRoutes } from './routes/domain-routes.js';
import { DomainSchema } from './schemas/domain-schemas.js';
import { linkRoutes } from './routes/link-routes.js';
import { orphanRoutes } from './routes/orphan-routes.js';
import { recordOrphanVisits } from './orphan-visits.js';
import { OrphanStatsSchema, OrphanVisitSchema } from './schemas/orphan-schemas.js';
import { shlinkRoutes } from './shlink/shlink-routes.js';
import { ShlinkOrphanVisitSchema, ShlinkProblemSchema, ShlinkShortUrlSchema, ShlinkVisitSchema } from './shlink/shlink-schemas.js';
import { liveRoutes } from './routes/live-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { qrRoutes } from './routes/qr-routes.js';
import { redirectRoutes } from './routes/redirect-routes.js';
import { shareRoutes } from './routes/share-routes.js';
import { sharedReportRoutes } from './routes/shared-report-routes.js';
import { sparklineRoutes } from './routes/sparkline-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { ClickSchema } from './schemas/click-schemas.js';
import { ProblemSchema } from './schemas/common.js';
import { ApiKeySchema } from './schemas/key-schemas.js';
import { LinkSchema } from './schemas/link-schemas.js';
import { ShareSchema, SharedClickSchema } from './schemas/share-schemas.js';
import { StatsSchema } from './schemas/stats-schemas.js';
import { DeliverySchema, WebhookSchema } from './schemas/webhook-schemas.js';
import { addSharedSchema, validatorCompiler } from './validation.js';
import { lazySerializers } from './lazy-serializers.js';

export interface AppOptions {
  /** API requests per minute and client IP. */
  readonly apiRateLimit?: number;
}

const BODY_LIMIT = 64 * 1024;
const API_DESCRIPTION = 'Short links with real-time, private click analytics.\n\n'
  + 'Every error is RFC 9457 `application/problem+json` with `type`, `title`, `status`, `detail` and, for input, '
  + '`errors: [{field, message}]` saying what was given and what is allowed. Bodies are JSON sent with '
  + '`Content-Type: application/json` (else 415). Text with control characters (U+0000-U+001F but tab, line feed '
  + 'and carriage return; U+007F) or half a surrogate pair is refused with a 422 naming the field, in bodies, '
  + 'query parameters and paths alike. A method a path does not take is a 405 with `Allow`.';
const PUBLIC_API_PATHS = /^\/api\/(docs(\/|$)|openapi\.json$)/;

/** Builds the HTTP app around the services; listening and process life are `server.ts`'s job. */
export async function buildApp(lp: LinkPulse, options: AppOptions = {}): Promise<FastifyInstance> {
  const metrics = new HttpMetrics();
  const throttles = guessThrottles(lp.clock);
  const fastPath = redirectFastPath(lp, metrics, throttles.codes);
  const serverOptions: FastifyServerOptions = {
    serverFactory: (handler) => createServer((req, res) => {
      fastPath(req, res).then((handled) => {
        if (!handled) handler(req, res);
      }, (error: unknown) => {
        lp.log.error({ err: error }, 'redirect fast path failed');
        if (!res.headersSent) handler(req, res);
      });
    }),
    loggerInstance: lp.log,
    // Per-request lines cost more than a redirect does; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(lp.config.trustProxy),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  };
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  for (const schema of [ProblemSchema, LinkSchema, DomainSchema, ClickSchema, StatsSchema, ApiKeySchema, ShareSchema, SharedClickSchema, WebhookSchema, DeliverySchema,
    OrphanStatsSchema, OrphanVisitSchema, ShlinkProblemSchema, ShlinkShortUrlSchema, ShlinkVisitSchema, ShlinkOrphanVisitSchema]) {
    app.addSchema(schema);
    addSharedSchema(schema);
  }
  installProblemHandlers(app, (error) => lp.storage.isUnavailable(error), (error) => lp.databaseIncident.failed(error));
  requireJsonBodies(app, (request) => request.url.startsWith('/api/'));

  await app.register(swagger, {
    openapi: {
      info: { title: 'LinkPulse API', version: '1', description: API_DESCRIPTION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      // Strict: no inline script anywhere; the dashboard's code and styles are files of ours.
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], styleSrc: ["'self'", PAGE_STYLE_SOURCE],
        imgSrc: ["'self'", 'data:', 'blob:'], connectSrc: ["'self'"], fontSrc: ["'self'"], objectSrc: ["'none'"],
        baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
    // Sent only where the request came over HTTPS (see strictTransportSecurity).
    strictTransportSecurity: false,
  });
  strictTransportSecurity(app);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 4096 });
  await app.register(rateLimit, {
    max: options.apiRateLimit ?? 6000,
    timeWindow: 60_000,
    allowList: (request) => !request.url.startsWith('/api/') && !request.url.startsWith('/rest/'),
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`), { statusCode: 429 }),
  });

  const authenticate = authenticator(lp.keys, lp.sessions, throttles.keys);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/api/') && !PUBLIC_API_PATHS.test(request.url)) await authenticate(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  // On shutdown, a keep-alive connection closes as soon as its last answer is sent,
  // instead of holding the close open until the client's idle timeout.
  app.addHook('preClose', async () => {
    app.server.keepAliveTimeout = 1;
  });
  // Whatever serves HTTP keeps the rollups current (reports stay exact meanwhile: they add the rest
  // raw) and its link cache in step with changes made elsewhere.
  const unobserve = [lp.recorder.committed.on((commit) => metrics.committed(commit)), lp.roller.stepped.on((step) => metrics.stepped(step))];
  app.addHook('onReady', async () => {
    lp.roller.start();
    lp.webhookDispatcher.start();
    lp.retention?.start();
    lp.links.startSweeping(1000, (error) => lp.log.warn({ err: error }, 'link change sweep failed; retrying'));
    lp.domains.startRefreshing(1000, (error) => lp.log.warn({ err: error }, 'reading the domains failed; retrying'));
  });
  app.addHook('onClose', async () => {
    for (const stop of unobserve) stop();
    await lp.roller.stop();
    await lp.webhookDispatcher.stop();
    await lp.retention?.stop();
    await lp.links.stopSweeping();
    await lp.domains.stopRefreshing();
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const routes of [linkRoutes, domainRoutes, clickRoutes, statsRoutes, liveRoutes, qrRoutes, keyRoutes, shareRoutes, sharedReportRoutes, sparklineRoutes, webhookRoutes, orphanRoutes]) {
    await app.register(routes, { lp });
  }
  await app.register(shlinkRoutes, { lp, guesses: throttles.keys, prefix: '/rest' });
  await app.register(opsRoutes, { lp, metrics });
  await app.register(dashboardRoutes, { lp, throttle: throttles.keys });
  await app.register(redirectRoutes, { lp, metrics, throttles });
  recordOrphanVisits(app, lp, metrics);
  return app;
}

/** Only a configured proxy is believed about the client's address (X-Forwarded-For). */
function trustProxyOption(trust: TrustProxy | undefined): FastifyServerOptions['trustProxy'] {
  if (trust === undefined) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}
