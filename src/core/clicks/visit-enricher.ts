import type { Clock } from '../shared/clock.js';
import { boundedMemo } from '../shared/memo.js';
import type { VisitFields } from './click.js';
import type { GeoLookup, UserAgentParser } from './enrichment.js';
import { storedIp, type IpStorage } from './ip-policy.js';
import { parseReferrer, primaryLanguage } from './request-facts.js';
import type { VisitorIdentifier } from './visitor-id.js';

export const MAX_USER_AGENT_LENGTH = 1024;
const NO_REFERRER = { referrer: null, referrerHost: null } as const;

/** What the HTTP adapter knows about one visit: a redirect, or a request no link answered. */
export interface VisitRequest {
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  readonly acceptLanguage: string | undefined;
  /** The request's query string ('' or "?…"). */
  readonly search: string;
}

export interface VisitEnricherDeps {
  readonly userAgents: UserAgentParser;
  readonly geo: GeoLookup;
  readonly visitors: VisitorIdentifier;
  readonly clock: Clock;
  readonly ipStorage: IpStorage;
}

/** The enrichment every visit gets: user agent → browser, OS, device, bot; IP → place; referrer, language, visitor id. */
export class VisitEnricher {
  private readonly referrerOf = boundedMemo(parseReferrer);
  private readonly languageOf = boundedMemo(primaryLanguage);

  constructor(private readonly deps: VisitEnricherDeps) {}

  /** The visit now, or (an imported visit) at `visitedAt`, its visitor id under that day's salt. */
  async enrich(request: VisitRequest, visitedAt?: number): Promise<VisitFields> {
    const { deps } = this;
    const userAgent = request.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? '';
    const agent = deps.userAgents.parse(userAgent);
    const visitorId = visitedAt === undefined
      ? await deps.visitors.visitorId(request.ip, userAgent)
      : await deps.visitors.visitorIdAt(visitedAt, request.ip, userAgent);
    const place = deps.geo.locate(request.ip);
    return {
      at: visitedAt ?? deps.clock.now(),
      ip: storedIp(request.ip, deps.ipStorage),
      country: place.country,
      region: place.region,
      city: place.city,
      browser: agent.browser,
      os: agent.os,
      device: agent.device,
      bot: agent.bot,
      ...(request.referer ? this.referrerOf(request.referer) : NO_REFERRER),
      language: request.acceptLanguage ? this.languageOf(request.acceptLanguage) : null,
      userAgent: userAgent === '' ? null : userAgent,
      visitorId,
    };
  }
}
