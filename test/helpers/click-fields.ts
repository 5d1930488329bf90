import type { NewClick } from '../../src/core/clicks/click.js';

/** The click fields most tests leave empty: campaign, place, target. */
export const NO_CAMPAIGN_PLACE_TARGET = {
  utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, region: null, city: null, target: null,
} as const satisfies Partial<NewClick>;
