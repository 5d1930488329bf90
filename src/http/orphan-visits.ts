import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LinkPulse } from '../composition-root.js';
import type { OrphanType } from '../core/orphans/orphan-visit.js';
import type { HttpMetrics } from './metrics.js';
import { redirectRequest } from './redirect-request.js';
import { pathOf } from './route-table.js';

// The API's, the dashboard's and shares' own 404s are answers to clients, not visits.
const NOT_VISITS = /^\/(api|rest|dashboard|share|assets)(\/|$)/;

// Requests a domain's base URL or not-found redirect answered: visits no link answered, like 404s.
const orphanRedirects = new WeakSet<FastifyRequest>();

/** Marks a request answered by a domain's own redirect (302) as an orphan visit to record. */
export function markOrphanRedirect(request: FastifyRequest): void {
  orphanRedirects.add(request);
}

/** What kind of orphan visit a 404 to `path` is: the base URL, a would-be code, or any other path. */
export function orphanTypeOf(path: string): OrphanType {
  if (path === '/') return 'base_url';
  return /^\/[^/]+$/.test(path) ? 'invalid_code' : 'regular_404';
}

/**
 * Records every GET answered 404 (the base URL, unknown codes, other paths) as an orphan visit, once
 * the answer is sent: redirects never reach here (they leave by the fast path or answer 3xx), and a
 * 404 waits for nothing.
 */
export function recordOrphanVisits(app: FastifyInstance, lp: LinkPulse, metrics: HttpMetrics): void {
  const recorder = lp.orphanRecorder;
  if (recorder === undefined) return;
  const unobserve = recorder.outcomes.on(({ outcome, visits }) => metrics.orphanVisits.inc({ outcome }, visits));
  app.addHook('onClose', async () => {
    unobserve();
    await recorder.flush();
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' || (reply.statusCode !== 404 && !orphanRedirects.has(request))) return;
    const path = pathOf(request.url);
    if (NOT_VISITS.test(path)) return;
    recorder.record(orphanTypeOf(path), path, redirectRequest(request));
  });
}
