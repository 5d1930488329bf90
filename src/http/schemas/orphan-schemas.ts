import { Type } from 'typebox';
import { DIMENSIONS } from '../../core/analytics/analytics-store.js';
import { ORPHAN_TYPES } from '../../core/orphans/orphan-visit.js';
import { Cursor, Nullable, TimeParam } from './common.js';
import { BotsParam, FilterQuery } from './filter-schemas.js';
import { KeyCounts, StatsQuery, Timeseries, Totals } from './stats-schemas.js';
import { VisitProperties } from './click-schemas.js';

const TypeParam = Type.Optional(Type.String({
  maxLength: 100, description: `Only visits of these types, comma-separated: ${ORPHAN_TYPES.join(', ')}`, examples: ['invalid_code', 'base_url,regular_404'],
}));

// Orphan visits belong to no link and were sent nowhere: no tag or target filter.
const { tag: _tag, target: _target, ...OrphanFilterQuery } = FilterQuery;

export const OrphanStatsQuery = Type.Object({ ...Type.Omit(StatsQuery, ['tag', 'target']).properties, type: TypeParam });

export const OrphanStatsSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  interval: Type.String(),
  tz: Type.String(),
  bots: Type.String(),
  filters: Type.Record(Type.String(), Type.Array(Type.String())),
  totals: Totals,
  timeseries: Timeseries,
  ...Object.fromEntries(DIMENSIONS.filter((d) => d !== 'targets').map((d) => [d, KeyCounts])) as Record<Exclude<(typeof DIMENSIONS)[number], 'targets'>, typeof KeyCounts>,
  types: KeyCounts,
  previous: Type.Optional(Type.Object({
    from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), totals: Totals, timeseries: Timeseries,
  })),
}, { $id: 'OrphanStats', description: 'The report of orphan visits: a link report\'s totals, series and breakdowns, and `types`' });

export const OrphanVisitSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  type: Type.String({ enum: [...ORPHAN_TYPES] }),
  path: Type.String({ description: 'The path asked for, as sent (percent-encoded), without the query' }),
  ...VisitProperties,
}, { $id: 'OrphanVisit' });

export const OrphanPageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  cursor: Type.Optional(Cursor),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  bots: Type.Optional(BotsParam),
  type: TypeParam,
  ...OrphanFilterQuery,
});

export const OrphanPage = Type.Object({ items: Type.Array(Type.Ref('OrphanVisit')), nextCursor: Nullable(Type.String()) });
