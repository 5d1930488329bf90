import { cappedText } from '../shared/text.js';

/** A click's campaign tags (UTM parameters). */
export interface Campaign {
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  readonly utmTerm: string | null;
  readonly utmContent: string | null;
}

const MAX_UTM_LENGTH = 255;
const NO_CAMPAIGN: Campaign = Object.freeze({ utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null });

const PARAMETERS = [
  ['utm_source', 'utmSource'],
  ['utm_medium', 'utmMedium'],
  ['utm_campaign', 'utmCampaign'],
  ['utm_term', 'utmTerm'],
  ['utm_content', 'utmContent'],
] as const;

/** The UTM parameters of a query string ("?a=1&utm_source=x" or "a=1…"): trimmed, capped, case kept. */
export function campaignOf(search: string): Campaign {
  // Most redirects carry no campaign: skip parsing them.
  if (!search.includes('utm_')) return NO_CAMPAIGN;
  const params = new URLSearchParams(search);
  const found: Record<string, string | null> = {};
  let any = false;
  for (const [parameter, field] of PARAMETERS) {
    const value = cappedText(params.get(parameter) ?? '', MAX_UTM_LENGTH);
    found[field] = value;
    any ||= value !== null;
  }
  return any ? (found as unknown as Campaign) : NO_CAMPAIGN;
}

/** Each tag from the request's query, else from the link's target URL (where campaigns are usually tagged). */
export function mergeCampaigns(request: Campaign, target: Campaign): Campaign {
  if (target === NO_CAMPAIGN) return request;
  if (request === NO_CAMPAIGN) return target;
  return {
    utmSource: request.utmSource ?? target.utmSource,
    utmMedium: request.utmMedium ?? target.utmMedium,
    utmCampaign: request.utmCampaign ?? target.utmCampaign,
    utmTerm: request.utmTerm ?? target.utmTerm,
    utmContent: request.utmContent ?? target.utmContent,
  };
}

/** The target URL's own query string. */
export function searchOf(url: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = base.indexOf('?');
  return queryAt === -1 ? '' : base.slice(queryAt);
}
