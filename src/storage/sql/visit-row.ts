import type { Campaign } from '../../core/clicks/campaign.js';
import type { Device } from '../../core/clicks/click.js';
import type { VisitFields } from '../../core/clicks/visit-enricher.js';

/** The columns every visit's row has, clicks' and orphan visits' alike. */
export interface VisitRow {
  at: number;
  ip: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  browser: string | null;
  os: string | null;
  device: string;
  bot: number;
  referrer: string | null;
  referrer_host: string | null;
  language: string | null;
  user_agent: string | null;
  visitor_id: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
}

/** A visit's fields from its row, on either table. */
export function visitOf(row: VisitRow): VisitFields & Campaign {
  return {
    at: Number(row.at),
    ip: row.ip,
    country: row.country,
    region: row.region,
    city: row.city,
    browser: row.browser,
    os: row.os,
    device: row.device as Device,
    bot: Number(row.bot) === 1,
    referrer: row.referrer,
    referrerHost: row.referrer_host,
    language: row.language,
    userAgent: row.user_agent,
    visitorId: row.visitor_id,
    utmSource: row.utm_source,
    utmMedium: row.utm_medium,
    utmCampaign: row.utm_campaign,
    utmTerm: row.utm_term,
    utmContent: row.utm_content,
  };
}
