import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { LinkPulse } from '../composition-root.js';
import type { GuessThrottle } from '../http/guess-throttle.js';
import { problemOf, sendProblem } from '../http/problem.js';
import { UnauthorizedError } from '../core/shared/errors.js';
import { clearKeyCookie, clearSession, isSameOrigin, sessionId, setSession } from '../http/session-cookie.js';

/** Built by `npm run build` (scripts/build-assets.mjs) from ui/. */
export const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const Session = Type.Object({ role: Type.String(), keyId: Type.String() });

/** The dashboard: a static single-page app, and the session it signs in with (a cookie holding a random id). */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse; throttle: GuessThrottle }> = async (app, { lp, throttle }) => {
  const secure = lp.config.baseUrl.startsWith('https:');
  const built = existsSync(`${UI_DIR}index.html`);

  // Asset names carry their content's hash (scripts/build-assets.mjs): cached for a year, never
  // revalidated; each is sent as its brotli or gzip file where the client takes one.
  await app.register(fastifyStatic, {
    root: `${UI_DIR}assets`, prefix: '/assets/', decorateReply: true, index: false, wildcard: true, allowedPath: () => built,
    preCompressed: true, maxAge: '365d', immutable: true,
    // Shared caches must keep the encodings apart.
    setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
  });

  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!built) return sendProblem(reply, problemOf(503, 'The dashboard is not built; run `npm run build`'));
    // The page carries no data but must not outlive a sign-out or a new build in any cache.
    return reply.header('cache-control', 'no-store').sendFile('index.html', UI_DIR, { cacheControl: false });
  };
  app.get('/dashboard', { schema: { hide: true } }, page);
  // A typed or bookmarked trailing slash lands on the page; its asset URLs are absolute either way.
  app.get('/dashboard/', { schema: { hide: true } }, async (request, reply) =>
    reply.redirect(`/dashboard${request.url.slice('/dashboard/'.length)}`, 308));
  app.get('/dashboard/links/:code', { schema: { hide: true } }, page);
  app.get('/dashboard/webhooks', { schema: { hide: true } }, page);
  app.get('/dashboard/orphans', { schema: { hide: true } }, page);
  // A share's page needs no sign-in; an unknown, revoked or expired share is a 404 page.
  app.get('/share/:id', { schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 100 }) }) } }, async (request, reply) => {
    await lp.shares.open(request.params.id);
    return page(request, reply);
  });

  app.get('/dashboard/session', { schema: { hide: true, response: { 200: Session } } }, async (request, reply) => {
    clearKeyCookie(request, reply, secure);
    const principal = await lp.sessions.principal(sessionId(request));
    return { role: principal.role, keyId: principal.keyId };
  });

  app.post('/dashboard/session', {
    schema: { hide: true, body: Type.Object({ key: Type.String({ minLength: 1, maxLength: 200 }) }), response: { 200: Session } },
  }, async (request, reply) => {
    if (!isSameOrigin(request)) return sendProblem(reply, problemOf(403, 'Sign in from this site'));
    throttle.check(request.ip);
    await lp.sessions.signOut(sessionId(request));
    const { id, principal } = await lp.sessions.signIn(request.body.key.trim()).catch((error: unknown) => {
      if (error instanceof UnauthorizedError) throttle.failed(request.ip);
      throw error;
    });
    clearKeyCookie(request, reply, secure);
    setSession(reply, id, secure);
    return { role: principal.role, keyId: principal.keyId };
  });

  app.post('/dashboard/signout', { schema: { hide: true } }, async (request, reply) => {
    if (!isSameOrigin(request)) return sendProblem(reply, problemOf(403, 'Sign out from this site'));
    await lp.sessions.signOut(sessionId(request));
    clearSession(request, reply, secure);
    return reply.code(204).send();
  });
};
