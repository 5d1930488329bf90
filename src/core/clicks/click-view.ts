import type { Click, Device } from './click.js';

/** The public shape of a click (CONTRACT.md). */
export interface ClickView {
  id: number;
  code: string;
  at: string;
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
  target: string | null;
  /** The host the click's link lives on. */
  domain: string;
}

/** `domain`: the host the link lives on (not '' for the default domain). */
export function toClickView(click: Click, code: string, domain: string): ClickView {
  return {
    id: click.id,
    code,
    at: new Date(click.at).toISOString(),
    ip: click.ip,
    country: click.country,
    browser: click.browser,
    os: click.os,
    device: click.device,
    bot: click.bot,
    referrer: click.referrer,
    referrerHost: click.referrerHost,
    language: click.language,
    userAgent: click.userAgent,
    visitorId: click.visitorId,
    utmSource: click.utmSource,
    utmMedium: click.utmMedium,
    utmCampaign: click.utmCampaign,
    utmTerm: click.utmTerm,
    utmContent: click.utmContent,
    region: click.region,
    city: click.city,
    target: click.target,
    domain,
  };
}

export const CLICK_COLUMNS = [
  'id', 'code', 'at', 'ip', 'country', 'browser', 'os', 'device', 'bot',
  'referrer', 'referrerHost', 'language', 'userAgent', 'visitorId',
  'utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'region', 'city', 'target', 'domain',
] as const satisfies readonly (keyof ClickView)[];
