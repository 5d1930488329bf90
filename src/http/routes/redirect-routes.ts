import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Link } from '../../core/links/link.js';
import { verifyPassword } from '../../core/links/password.js';
import type { LinkPulse } from '../../composition-root.js';
import { escapeHtml, htmlPage } from '../html.js';
import { GoneError, NotFoundError } from '../../core/shared/errors.js';
import { searchOf } from '../../core/clicks/campaign.js';
import type { GuessThrottles } from '../guess-throttle.js';
import type { HttpMetrics } from '../metrics.js';
import { previewPage } from '../preview-page.js';
import { isSocialCrawler } from '../../core/links/social-crawlers.js';
import { followLink, forwardedQuery } from '../redirect-request.js';
import { linkKey } from '../../core/links/link-key.js';
import { shortUrlOf } from '../../core/links/link-view.js';
import { markOrphanRedirect } from '../orphan-visits.js';

// Paths are not validated: whatever a path holds that is not a code is a 404, like any unknown code.
type Params = { Params: { code: string } };

export const redirectRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse; metrics: HttpMetrics; throttles: GuessThrottles }> = async (app, { lp, metrics, throttles }) => {
  /**
   * The link of a code on the request's domain, or where to send the visitor instead (the fallback URL
   * of a link that may not redirect, the domain's not-found redirect); a code that names no link counts
   * as a guess of the client's.
   */
  async function resolve(request: FastifyRequest, code: string): Promise<Link | { readonly fallbackUrl: string }> {
    throttles.codes.check(request.ip);
    const host = lp.domains.forRequestHost(request.headers.host);
    try {
      return await lp.links.resolve(linkKey(code, host.domain));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throttles.codes.failed(request.ip);
        if (host.notFoundRedirect !== null && request.method === 'GET') {
          markOrphanRedirect(request);
          return { fallbackUrl: host.notFoundRedirect };
        }
      }
      if (error instanceof GoneError && error.fallbackUrl !== null) return { fallbackUrl: error.fallbackUrl };
      throw error;
    }
  }

  /** A link that may not redirect: to its fallback, unrecorded. */
  function fallback(reply: FastifyReply, url: string): FastifyReply {
    return reply.code(302).header('location', url).header('cache-control', 'private, no-store').send();
  }

  async function redirect(request: FastifyRequest, reply: FastifyReply, link: Link, status: number): Promise<FastifyReply> {
    let location: string;
    try {
      location = await followLink(lp, metrics, link, request);
    } catch (error) {
      // Used up by the clicks committed just before this one.
      const url = error instanceof GoneError ? lp.links.fallbackFor(link) : null;
      if (url !== null) return fallback(reply, url);
      throw error;
    }
    metrics.redirected(request.method, status); // its duration: the onResponse hook
    return reply.code(status).header('location', location).header('cache-control', 'private, no-store').send();
  }

  // A domain's root: its base URL redirect, recorded as an orphan visit; else a 404 like any unknown path.
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { baseUrlRedirect } = lp.domains.forRequestHost(request.headers.host);
    if (baseUrlRedirect === null) return reply.callNotFound();
    markOrphanRedirect(request);
    return fallback(reply, baseUrlRedirect);
  });

  // Redirects mostly leave by the fast path; what reaches this route gets the pages' security headers.
  app.get<Params>('/:code', {
    schema: { hide: true },
  }, async (request, reply) => {
    const link = await resolve(request, request.params.code);
    if (!('id' in link)) return fallback(reply, link.fallbackUrl);
    if (link.passwordHash !== null) return passwordPage(reply, link.code, request.url, 200);
    if (link.preview !== null && isSocialCrawler(request.headers['user-agent'])) {
      // A click like any other (a bot's): its card is the preview, not the target's.
      const target = await followLink(lp, metrics, link, request);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store')
        .send(previewPage(link.preview, shortUrlOf(link, lp.config.baseUrl), target));
    }
    return redirect(request, reply, link, link.redirectType);
  });

  // Password-protected links: the form posts here; a right password is a click like any other.
  app.post<Params & { Body: { password: string } }>('/:code', {
    schema: { hide: true, body: Type.Object({ password: Type.String({ maxLength: 1000 }) }) },
  }, async (request, reply) => {
    const link = await resolve(request, request.params.code);
    if (!('id' in link)) return fallback(reply, link.fallbackUrl);
    if (link.passwordHash === null) return redirect(request, reply, link, 303);
    // Checked before the hash: each wrong guess costs an scrypt.
    throttles.passwords.check(request.ip);
    if (!(await verifyPassword(request.body.password, link.passwordHash))) {
      throttles.passwords.failed(request.ip);
      return passwordPage(reply, link.code, request.url, 401);
    }
    return redirect(request, reply, link, 303);
  });
};

/** The form posts to the URL it was asked at, query included: campaign tags reach the click and the target. */
function passwordPage(reply: FastifyReply, code: string, url: string, status: number): FastifyReply {
  const wrong = status === 401 ? '<p role="alert">That password is not right.</p>' : '';
  const action = `/${encodeURIComponent(code)}${forwardedQuery(searchOf(url))}`;
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(htmlPage('Password required',
    `<h1>This link is protected</h1>${wrong}<form method="post" action="${escapeHtml(action)}">`
    + '<label>Password <input type="password" name="password" required autofocus></label> <button>Continue</button></form>'));
}
