import type { Campaign } from './campaign.js';
import type { Click, Device, VisitFields } from './click.js';

/** What every visit shows, a click's or an orphan visit's, in this order. */
export interface VisitView {
  ip: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
  device: Device;
  bot: boolean;
  referrer: string | null;
  referrerHost: string | null;
  language: string | null;
  userAgent: string | null;
  visitorId: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  region: string | null;
  city: string | null;
}

/** The public shape of a click (CONTRACT.md). */
export interface ClickView extends VisitView {
  id: number;
  code: string;
  at: string;
  target: string | null;
  /** The host the click's link lives on. */
  domain: string;
}

export function toVisitView(visit: VisitFields & Campaign): VisitView {
  return {
    ip: visit.ip,
    country: visit.country,
    browser: visit.browser,
    os: visit.os,
    device: visit.device,
    bot: visit.bot,
    referrer: visit.referrer,
    referrerHost: visit.referrerHost,
    language: visit.language,
    userAgent: visit.userAgent,
    visitorId: visit.visitorId,
    utmSource: visit.utmSource,
    utmMedium: visit.utmMedium,
    utmCampaign: visit.utmCampaign,
    utmTerm: visit.utmTerm,
    utmContent: visit.utmContent,
    region: visit.region,
    city: visit.city,
  };
}

/** `domain`: the host the link lives on (not '' for the default domain). Keys in CLICK_COLUMNS' order. */
export function toClickView(click: Click, code: string, domain: string): ClickView {
  return { id: click.id, code, at: new Date(click.at).toISOString(), ...toVisitView(click), target: click.target, domain };
}

export const CLICK_COLUMNS = [
  'id', 'code', 'at', 'ip', 'country', 'browser', 'os', 'device', 'bot',
  'referrer', 'referrerHost', 'language', 'userAgent', 'visitorId',
  'utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'region', 'city', 'target', 'domain',
] as const satisfies readonly (keyof ClickView)[];
