import { Type } from 'typebox';
import { DIMENSIONS } from '../../core/analytics/analytics-store.js';
import { MAX_BREAKDOWN_LIMIT, DEFAULT_BREAKDOWN_LIMIT } from '../../core/analytics/stats-service.js';
import { Nullable, TimeParam } from './common.js';
import { BotsParam, FilterQuery } from './filter-schemas.js';

export const StatsQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  interval: Type.Optional(Type.String({ maxLength: 20, description: 'minute · hour · day · week · month (default: ≤ ~200 buckets)' })),
  tz: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone of the buckets and plain dates', examples: ['Europe/Berlin'] })),
  bots: Type.Optional(BotsParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BREAKDOWN_LIMIT, description: `Entries per breakdown (default ${DEFAULT_BREAKDOWN_LIMIT})` })),
  compare: Type.Optional(Type.String({ maxLength: 20, description: 'previous (the same length just before) · year (the same dates a year earlier)', examples: ['previous'] })),
  ...FilterQuery,
});

export const KeyCounts = Type.Array(Type.Object({
  key: Nullable(Type.String()),
  clicks: Type.Integer(),
  uniqueVisitors: Type.Optional(Type.Integer({ description: 'Exact; given where the report reads raw clicks (filtered reports)' })),
}));

export const Totals = Type.Object({
  clicks: Type.Integer(), humanClicks: Type.Integer(), botClicks: Type.Integer(), uniqueVisitors: Type.Integer(),
});
export const Timeseries = Type.Array(Type.Object({ t: Type.String({ format: 'date-time' }), clicks: Type.Integer(), uniqueVisitors: Type.Integer() }));

export const StatsSchema = Type.Object({
  code: Nullable(Type.String()),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  interval: Type.String(),
  tz: Type.String(),
  bots: Type.String(),
  filters: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'The filters applied, as their parameters say them', examples: [{ country: ['DE'], device: ['!bot'] }] }),
  totals: Totals,
  timeseries: Timeseries,
  ...Object.fromEntries(DIMENSIONS.map((d) => [d, KeyCounts])) as Record<(typeof DIMENSIONS)[number], typeof KeyCounts>,
  domains: Type.Optional(KeyCounts),
  tags: Type.Optional(KeyCounts),
  topLinks: Type.Optional(Type.Array(Type.Object({ code: Type.String(), domain: Type.String({ description: 'The host the link lives on' }), clicks: Type.Integer() }))),
  previous: Type.Optional(Type.Object({
    from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), totals: Totals, timeseries: Timeseries,
  }, { description: 'With compare: the earlier period, with the same filters' })),
}, { $id: 'Stats' });
