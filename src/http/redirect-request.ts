import type { IncomingHttpHeaders } from 'node:http';
import type { RedirectRequest } from '../core/clicks/click-recorder.js';
import type { Link } from '../core/links/link.js';
import { searchOf } from '../core/clicks/campaign.js';
import { withForwardedQuery } from '../core/links/target-url.js';
import { GoneError, NotFoundError, UnavailableError } from '../core/shared/errors.js';
import type { LinkPulse } from '../composition-root.js';
import type { HttpMetrics } from './metrics.js';

/** A redirect request as both the fast path and the Fastify route see it. */
export interface IncomingRedirect {
  readonly method: string;
  readonly url: string;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Stores the click (not for HEAD) and answers where to send the client. Resolves only after the
 * click's commit: a redirect that was answered is a click that was stored. A click that cannot be
 * stored is an UnavailableError (503); a link deleted meanwhile, a NotFoundError.
 */
export async function followLink(lp: LinkPulse, metrics: HttpMetrics, link: Link, request: IncomingRedirect): Promise<string> {
  const search = searchOf(request.url);
  const client = redirectRequest(request);
  let target: string;
  if (request.method !== 'HEAD' && lp.tracking.records(link, client.ip, search)) {
    try {
      target = (await lp.recorder.record(link, client)).target ?? link.url;
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof GoneError) throw error;
      if (lp.storage.isUnavailable(error)) lp.databaseIncident.failed(error);
      else lp.log.error({ err: error }, 'click could not be stored');
      throw new UnavailableError('The click could not be stored; try again');
    }
    lp.databaseIncident.succeeded();
    metrics.clicksStored.inc();
  } else {
    target = await lp.recorder.targetFor(link, client);
  }
  return withForwardedQuery(target, forwardedQuery(lp.tracking.forwarded(search)));
}

/** What a visit records of the request (IPv4-mapped IPv6 addresses as IPv4). */
export function redirectRequest({ ip, headers, url }: Omit<IncomingRedirect, 'method'>): RedirectRequest {
  return {
    ip: ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, ''),
    userAgent: headers['user-agent'],
    referer: headers.referer,
    acceptLanguage: headers['accept-language'],
    search: searchOf(url),
  };
}

/** A request URL's query, valid and percent-encoded whatever bytes the client sent ('' when none). */
export function forwardedQuery(search: string): string {
  if (search.length <= 1) return '';
  try {
    return new URL(`http://x/${search}`).search;
  } catch {
    return '';
  }
}
