import type { ClickView } from '../clicks/click-view.js';

/**
 * A click as a share shows it: without what identifies a visitor (IP, user agent, visitor id) and
 * without the referrer URL, whose path and query may carry a person's data; its host stays.
 */
export type SharedClickView = Omit<ClickView, 'ip' | 'userAgent' | 'visitorId' | 'referrer'>;

export function toSharedClickView(view: ClickView): SharedClickView {
  // Built field by field, so a field added to ClickView later is not shared unless named here.
  return {
    id: view.id, code: view.code, at: view.at, country: view.country, region: view.region, city: view.city,
    browser: view.browser, os: view.os, device: view.device, bot: view.bot, referrerHost: view.referrerHost,
    language: view.language, utmSource: view.utmSource, utmMedium: view.utmMedium, utmCampaign: view.utmCampaign,
    utmTerm: view.utmTerm, utmContent: view.utmContent, target: view.target, domain: view.domain,
  };
}
