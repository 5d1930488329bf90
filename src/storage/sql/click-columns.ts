import type { Dimension } from '../../core/analytics/analytics-store.js';
import type { ClicksTable } from '../schema.js';

/** The clicks column of each breakdown dimension. */
export const DIMENSION_COLUMNS = {
  countries: 'country',
  referrers: 'referrer_host',
  browsers: 'browser',
  os: 'os',
  devices: 'device',
  languages: 'language',
  regions: 'region',
  cities: 'city',
  utmSources: 'utm_source',
  utmMediums: 'utm_medium',
  utmCampaigns: 'utm_campaign',
  utmTerms: 'utm_term',
  utmContents: 'utm_content',
  targets: 'target',
} as const satisfies Record<Dimension, keyof ClicksTable>;
