import type { Selectable } from 'kysely';
import type { Campaign } from '../../core/clicks/campaign.js';
import type { Device, VisitFields } from '../../core/clicks/click.js';
import type { ClicksTable } from '../schema.js';

/** The columns every visit's row has, clicks' and orphan visits' alike. */
export type VisitRow = Pick<Selectable<ClicksTable>, 'at' | 'ip' | 'country' | 'region' | 'city' | 'browser' | 'os' | 'device' | 'bot'
  | 'referrer' | 'referrer_host' | 'language' | 'user_agent' | 'visitor_id' | 'utm_source' | 'utm_medium' | 'utm_campaign' | 'utm_term' | 'utm_content'>;

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
