import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { initialSchema } from './2026-11-26T0000-initial-schema.js';
import { rollups } from './2026-11-26T0100-rollups.js';
import { clickLinkIndex } from './2026-11-26T0200-click-link-index.js';
import { clickCountsByRoller } from './2026-11-26T0300-click-counts-by-roller.js';
import { linksUpdatedIndex } from './2026-11-26T0400-links-updated-index.js';
import { dayRollups } from './2026-11-26T0500-day-rollups.js';
import { dayLinksIndex } from './2026-11-26T0600-day-links-index.js';
import { clickCampaignPlaceTarget } from './2026-12-02T0000-click-campaign-place-target.js';
import { dashboardSessions } from './2026-12-02T0100-dashboard-sessions.js';
import { linkFallbackTrack } from './2026-12-02T0200-link-fallback-track.js';
import { linkPreviewTargeting } from './2026-12-02T0300-link-preview-targeting.js';
import { linkShares } from './2026-12-02T0400-link-shares.js';
import { webhooks } from './2026-12-03T0100-webhooks.js';
import { clickImportKeys } from './2026-12-03T0200-click-import-keys.js';
import { orphanVisits } from './2026-12-03T0300-orphan-visits.js';
import { webhookClickRanges } from './2026-12-03T0400-webhook-click-ranges.js';
import { customDomains } from './2026-12-04T0000-custom-domains.js';

/**
 * Migrations are frozen in time: never edit one that has shipped, add a new one.
 * Each is one source of truth for both databases, told which dialect it runs on.
 */
const MIGRATIONS: Record<string, (dialect: SqlDialect) => Migration> = {
  '2026-11-26T0000-initial-schema': initialSchema,
  '2026-11-26T0100-rollups': rollups,
  '2026-11-26T0200-click-link-index': clickLinkIndex,
  '2026-11-26T0300-click-counts-by-roller': clickCountsByRoller,
  '2026-11-26T0400-links-updated-index': linksUpdatedIndex,
  '2026-11-26T0500-day-rollups': dayRollups,
  '2026-11-26T0600-day-links-index': dayLinksIndex,
  '2026-12-02T0000-click-campaign-place-target': clickCampaignPlaceTarget,
  '2026-12-02T0100-dashboard-sessions': dashboardSessions,
  '2026-12-02T0200-link-fallback-track': linkFallbackTrack,
  '2026-12-02T0300-link-preview-targeting': linkPreviewTargeting,
  '2026-12-02T0400-link-shares': linkShares,
  '2026-12-03T0100-webhooks': webhooks,
  '2026-12-03T0200-click-import-keys': clickImportKeys,
  '2026-12-03T0300-orphan-visits': orphanVisits,
  '2026-12-03T0400-webhook-click-ranges': webhookClickRanges,
  '2026-12-04T0000-custom-domains': customDomains,
};

export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve(Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(dialect)]))),
  };
}
