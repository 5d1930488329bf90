import type { Device } from '../clicks/click.js';
import type { OrphanType, OrphanVisit } from './orphan-visit.js';

/** The public shape of an orphan visit: a click's fields without a link or target, with its type and path. */
export interface OrphanVisitView {
  id: number;
  at: string;
  type: OrphanType;
  path: string;
  ip: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
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
}

export function toOrphanVisitView(visit: OrphanVisit): OrphanVisitView {
  return {
    id: visit.id,
    at: new Date(visit.at).toISOString(),
    type: visit.type,
    path: visit.path,
    ip: visit.ip,
    country: visit.country,
    region: visit.region,
    city: visit.city,
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
  };
}
