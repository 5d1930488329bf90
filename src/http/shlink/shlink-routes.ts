import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import { ApiKeyService } from '../../core/keys/api-key-service.js';
import type { Link } from '../../core/links/link.js';
import { ConflictError, DomainError, NotFoundError, UnauthorizedError, ValidationError } from '../../core/shared/errors.js';
import type { LinkKey } from '../../core/links/link-key.js';
import { shortUrlOf } from '../../core/links/link-view.js';
import type { GuessThrottle } from '../guess-throttle.js';
import { TooManyRequestsError } from '../too-many-requests.js';
import { fieldErrorsOf } from '../validation-messages.js';
import {
  createInput, editInput, linkOrderOf, shlinkDomain, orphanTypeOf, pageWindow, pagination, toOrphanVisit, toShortUrl, toVisit, visitsSummary,
} from './shlink-mapping.js';
import { ShlinkError, shlinkField, shlinkProblemOf, shlinkProblems, type ShlinkProblem } from './shlink-problem.js';
import {
  CreateShortUrlBody, DomainList, DomainQuery, EditShortUrlBody, Health, OrphanVisitList, OrphanVisitsQuery, ShortCodeParams, ShortUrlList, ShortUrlsQuery,
  TagList200, TagStatsList, VisitList, VisitsOverview, VisitsQuery, shlinkProblemResponses as problems,
} from './shlink-schemas.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const SHORT_URLS_PER_PAGE = 10;
const MOST_SHORT_URLS = 1000;
const MOST_VISITS = 5000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Shlink's clients start counting here when no start date is given.
const EVER = '1970-01-01T00:00:00Z';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A Shlink route anyone may call (health). */
    shlinkPublic?: boolean;
  }
}

/**
 * Enough of Shlink's REST API v3 (under /rest) for Shlink's clients to work against LinkPulse:
 * the same services as /api, Shlink's shapes and problem documents, a LinkPulse API key in X-Api-Key.
 */
export const shlinkRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse; guesses: GuessThrottle }> = async (app, { lp, guesses }) => {
  const baseUrl = lp.config.baseUrl;
  const tags = ['Shlink-compatible API'];

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.shlinkPublic) return;
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') throw new ShlinkError(shlinkProblems.missingAuthentication());
    // A network that guessed too often is refused whatever it sends: a right guess would not show.
    guesses.check(request.ip);
    try {
      const principal = await lp.keys.authenticate(key);
      ApiKeyService.require(principal, SAFE_METHODS.has(request.method) ? 'viewer' : 'admin');
      request.principal = principal;
    } catch (error) {
      if (error instanceof UnauthorizedError) guesses.failed(request.ip);
      throw error;
    }
  });

  // A parameter this API does not take is refused, not ignored: an unknown filter must not widen a list.
  app.addHook('preValidation', async (request) => {
    const known = (request.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    const unknown = Object.keys(request.query as Record<string, unknown>).filter((name) => !(name in known));
    if (unknown.length > 0) throw new ShlinkError(shlinkProblems.invalidData(unknown, `LinkPulse does not support ${unknown.join(', ')} here`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOf(error);
    if (problem.status >= 500 && !(error instanceof DomainError)) {
      if (lp.storage.isUnavailable(error)) lp.databaseIncident.failed(error);
      else request.log.error({ err: error }, 'request failed');
    }
    if (problem.status === 503) reply.header('retry-after', '1');
    if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });

  function problemOf(error: FastifyError): ShlinkProblem {
    if (error instanceof ShlinkError) return error.problem;
    if (error instanceof DomainError) return shlinkProblemOf(error);
    if (error.validation) {
      const errors = fieldErrorsOf(error.validation, error.validationContext ?? 'request');
      return shlinkProblems.invalidData(errors.map((e) => shlinkField(e.field)), errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    }
    const status = error.statusCode ?? 500;
    if (status === 429) return shlinkProblems.other(429, 'Too many requests', error.message);
    if (status >= 400 && status < 500) return shlinkProblems.other(status, status === 404 ? 'Not found' : 'Invalid request', error.message);
    if (lp.storage.isUnavailable(error)) return shlinkProblems.other(503, 'Service unavailable', 'The service cannot reach its database; try again shortly');
    return shlinkProblems.other(500, 'Internal server error', 'Something went wrong on our side');
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).type('application/problem+json').send(shlinkProblems.notFound(`${request.method} ${path} is not part of the Shlink-compatible API`));
  });

  /** Runs `read` for a short code on a domain, answering Shlink's "short URL not found" when they name no link. */
  async function forShortCode<T>(shortCode: string, domain: string | undefined, read: (key: LinkKey) => Promise<T>): Promise<T> {
    try {
      return await read(lp.domains.key(shortCode, shlinkDomain(domain)));
    } catch (error) {
      if (error instanceof NotFoundError || (error instanceof ValidationError && error.errors.some((e) => e.field === 'domain'))) {
        throw new ShlinkError(shlinkProblems.shortUrlNotFound(shortCode, domain));
      }
      throw error;
    }
  }

  async function shortUrls(links: readonly Link[]) {
    const bots = await lp.links.botClicks(links);
    return links.map((link) => toShortUrl(link, bots.get(link.id) ?? 0, baseUrl));
  }
  const shortUrl = async (link: Link) => (await shortUrls([link]))[0];

  app.get('/v3/short-urls', {
    schema: { tags, summary: 'List short URLs (Shlink)', querystring: ShortUrlsQuery, response: { 200: ShortUrlList, ...problems(400, 401, 403) } },
  }, async (request) => {
    const q = request.query;
    const window = pageWindow(q.page, q.itemsPerPage, SHORT_URLS_PER_PAGE, MOST_SHORT_URLS);
    const tagList = q['tags[]'] === undefined ? [] : [q['tags[]']].flat();
    const domain = q.domain === undefined ? undefined : lp.domains.storedDomain(shlinkDomain(q.domain));
    const { items, total } = await lp.links.listPage({
      offset: window.offset, limit: window.limit, search: q.searchTerm, tags: tagList, allTags: q.tagsMode === 'all', domain, ...linkOrderOf(q.orderBy),
    });
    return { shortUrls: { data: await shortUrls(items), pagination: pagination(window.page, window.limit, items.length, total) } };
  });

  app.post('/v3/short-urls', {
    schema: { tags, summary: 'Create a short URL (Shlink)', body: CreateShortUrlBody, response: { 200: Type.Ref('ShlinkShortUrl'), ...problems(400, 401, 403) } },
  }, async (request) => {
    try {
      return await shortUrl(await lp.links.create(createInput(request.body)));
    } catch (error) {
      if (error instanceof ConflictError && error.field === 'code' && request.body.customSlug !== undefined) {
        throw new ShlinkError(shlinkProblems.nonUniqueSlug(request.body.customSlug));
      }
      throw error;
    }
  });

  app.get('/v3/short-urls/:shortCode', {
    schema: { tags, summary: 'Read a short URL (Shlink)', params: ShortCodeParams, querystring: DomainQuery, response: { 200: Type.Ref('ShlinkShortUrl'), ...problems(400, 401, 404) } },
  }, async (request) => forShortCode(request.params.shortCode, request.query.domain, async (key) => shortUrl(await lp.links.get(key))));

  app.patch('/v3/short-urls/:shortCode', {
    schema: {
      tags, summary: 'Edit a short URL (Shlink)', params: ShortCodeParams, querystring: DomainQuery, body: EditShortUrlBody,
      response: { 200: Type.Ref('ShlinkShortUrl'), ...problems(400, 401, 403, 404) },
    },
  }, async (request) => forShortCode(request.params.shortCode, request.query.domain,
    async (key) => shortUrl(await lp.links.update(key, editInput(request.body)))));

  app.delete('/v3/short-urls/:shortCode', {
    schema: { tags, summary: 'Delete a short URL and its visits (Shlink)', params: ShortCodeParams, querystring: DomainQuery, response: { 204: Type.Null(), ...problems(401, 403, 404) } },
  }, async (request, reply) => {
    await forShortCode(request.params.shortCode, request.query.domain, (key) => lp.links.delete(key));
    return reply.code(204).send(null);
  });

  app.get('/v3/short-urls/:shortCode/visits', {
    schema: { tags, summary: 'A short URL\'s visits, newest first (Shlink)', params: ShortCodeParams, querystring: VisitsQuery, response: { 200: VisitList, ...problems(400, 401, 404) } },
  }, async (request) => {
    const { shortCode } = request.params;
    const q = request.query;
    const window = pageWindow(q.page, q.itemsPerPage, MOST_VISITS, MOST_VISITS);
    const bots = q.excludeBots === 'true' ? 'exclude' : 'include';
    const range = { from: q.startDate, to: q.endDate, bots };
    return forShortCode(shortCode, q.domain, async (key) => {
      const { link, items } = await lp.clickQueries.numberedPage(key, { ...range, offset: window.offset, limit: window.limit });
      let total: number;
      if (q.startDate === undefined && q.endDate === undefined) {
        const exact = await lp.links.get(key);
        total = exact.clicks - (bots === 'exclude' ? (await lp.links.botClicks([exact])).get(exact.id) ?? 0 : 0);
      } else {
        total = (await lp.stats.forLink(key, { from: q.startDate ?? EVER, to: q.endDate, bots, interval: 'month' })).totals.clicks;
      }
      const short = shortUrlOf(link, baseUrl);
      return { visits: { data: items.map((click) => toVisit(click, short)), pagination: pagination(window.page, window.limit, items.length, total) } };
    });
  });

  app.get('/v3/visits', {
    schema: { tags, summary: 'Visits overview: all clicks and orphan visits (Shlink)', response: { 200: VisitsOverview, ...problems(401) } },
  }, async () => {
    const [clicks, orphans] = await Promise.all([lp.clickQueries.totals(), lp.orphans.totals()]);
    return { visits: { nonOrphanVisits: visitsSummary(clicks.clicks, clicks.botClicks), orphanVisits: visitsSummary(orphans.visits, orphans.botVisits) } };
  });

  app.get('/v3/visits/orphan', {
    schema: { tags, summary: 'Orphan visits, newest first (Shlink)', querystring: OrphanVisitsQuery, response: { 200: OrphanVisitList, ...problems(400, 401) } },
  }, async (request) => {
    const q = request.query;
    const window = pageWindow(q.page, q.itemsPerPage, MOST_VISITS, MOST_VISITS);
    const type = orphanTypeOf(q.type);
    const range = { from: q.startDate, to: q.endDate, bots: q.excludeBots === 'true' ? 'exclude' : 'include', ...(type && { type }) };
    const [items, report] = await Promise.all([
      lp.orphans.numberedPage({ ...range, offset: window.offset, limit: window.limit }),
      lp.stats.orphans({ ...range, from: q.startDate ?? EVER, interval: 'month' }),
    ]);
    return { visits: { data: items.map((v) => toOrphanVisit(v, baseUrl)), pagination: pagination(window.page, window.limit, items.length, report.totals.clicks) } };
  });

  app.get('/v3/tags', {
    schema: { tags, summary: 'Every tag (Shlink)', response: { 200: TagList200, ...problems(401) } },
  }, async () => {
    const all = (await lp.links.tagSummaries()).map((t) => t.tag);
    return { tags: { data: all, pagination: pagination(1, Math.max(all.length, 1), all.length, all.length) } };
  });

  app.get('/v3/tags/stats', {
    schema: { tags, summary: 'Every tag with its short URLs and their visits (Shlink)', response: { 200: TagStatsList, ...problems(401) } },
  }, async () => {
    const data = (await lp.links.tagSummaries()).map((t) => ({ tag: t.tag, shortUrlsCount: t.links, visitsSummary: visitsSummary(t.clicks, t.botClicks) }));
    return { tags: { data, pagination: pagination(1, Math.max(data.length, 1), data.length, data.length) } };
  });

  app.get('/v3/domains', {
    schema: { tags, summary: 'The domains, the default (the base URL\'s host) first (Shlink)', response: { 200: DomainList, ...problems(401) } },
  }, async () => {
    // A domain's not-found redirect is what Shlink calls its invalid short URL redirect.
    const redirectsOf = (d: { baseUrlRedirect: string | null; notFoundRedirect: string | null }) =>
      ({ baseUrlRedirect: d.baseUrlRedirect, regular404Redirect: null, invalidShortUrlRedirect: d.notFoundRedirect });
    const domains = await lp.domains.list();
    const defaultRedirects = redirectsOf(domains[0] ?? { baseUrlRedirect: null, notFoundRedirect: null });
    return { domains: { data: domains.map((d) => ({ domain: d.host, isDefault: d.isDefault, redirects: redirectsOf(d) })), defaultRedirects } };
  });

  const health = async (_request: FastifyRequest, reply: FastifyReply) => {
    const links = { about: 'https://github.com/shlinkio/shlink', project: `${baseUrl}/api/docs` };
    try {
      await lp.storage.ping();
      return { status: 'pass', version: VERSION, links };
    } catch {
      return reply.code(503).send({ status: 'fail', version: VERSION, links });
    }
  };
  for (const url of ['/health', '/v3/health']) {
    app.get(url, { config: { shlinkPublic: true }, schema: { tags, summary: 'Health (Shlink): whether the database answers', response: { 200: Health, 503: Health } } }, health);
  }
};
