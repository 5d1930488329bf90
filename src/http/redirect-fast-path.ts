import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../config.js';
import { UnavailableError } from '../core/shared/errors.js';
import type { LinkPulse } from '../composition-root.js';
import { isSocialCrawler } from '../core/links/social-crawlers.js';
import { linkKey } from '../core/links/link-key.js';
import type { GuessThrottle } from './guess-throttle.js';
import type { HttpMetrics } from './metrics.js';
import { problemOf } from './problem.js';
import { followLink } from './redirect-request.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The redirect is the hot path, so it is answered before Fastify's router and hooks: a link that
 * resolves (the request's domain from memory, its code in the cache, then the database) is redirected here, after its click is committed. Everything
 * else — unknown, gone or protected links, every other route — goes on to Fastify, whose
 * redirect route answers the same way.
 */
export function redirectFastPath(lp: LinkPulse, metrics: HttpMetrics, codeGuesses: GuessThrottle): Handler {
  const clientIp = clientIpOf(lp.config.trustProxy);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const code = url.slice(1, queryAt === -1 ? undefined : queryAt);
    const started = process.hrtime.bigint();
    const ip = clientIp(req);
    // A network refused for guessing codes is answered by Fastify's route (429), links or not.
    if (codeGuesses.retryAfter(ip) !== undefined) return false;
    const { domain } = lp.domains.forRequestHost(req.headers.host);
    const link = await lp.links.resolve(linkKey(code, domain)).catch(() => undefined);
    // Password forms and social networks' preview pages are Fastify's route's to answer.
    if (!link || link.passwordHash !== null || (link.preview !== null && isSocialCrawler(req.headers['user-agent']))) return false;

    let location: string;
    try {
      location = await followLink(lp, metrics, link, { method: req.method, url, ip, headers: req.headers });
    } catch (error) {
      if (!(error instanceof UnavailableError)) return false; // deleted or used up meanwhile: Fastify answers 404 / 410
      res.writeHead(503, { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': '1' });
      res.end(JSON.stringify(problemOf(503, error.message)));
      return true;
    }
    res.writeHead(link.redirectType, { location, 'cache-control': 'private, no-store', 'content-length': '0' });
    res.end();
    metrics.redirected(req.method, link.redirectType, Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  };
}

/** The client's address as Fastify's trustProxy would tell it. */
function clientIpOf(trust: TrustProxy | undefined): (req: IncomingMessage) => string {
  if (trust === undefined) return (req) => req.socket.remoteAddress ?? '';
  const trusted = typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : proxyAddr.compile(trust);
  return (req) => proxyAddr(req, trusted);
}
