import { Type } from 'typebox';
import { Nullable, TimeParam } from './common.js';

export const StatsQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  interval: Type.Optional(Type.String({ maxLength: 20 })),
  tz: Type.Optional(Type.String({ maxLength: 64 })),
  bots: Type.Optional(Type.String({ maxLength: 20 })),
});

const KeyCounts = Type.Array(Type.Object({ key: Nullable(Type.String()), clicks: Type.Integer() }));

export const StatsSchema = Type.Object({
  code: Nullable(Type.String()),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  interval: Type.String(),
  tz: Type.String(),
  bots: Type.String(),
  totals: Type.Object({
    clicks: Type.Integer(), humanClicks: Type.Integer(), botClicks: Type.Integer(), uniqueVisitors: Type.Integer(),
  }),
  timeseries: Type.Array(Type.Object({ t: Type.String({ format: 'date-time' }), clicks: Type.Integer(), uniqueVisitors: Type.Integer() })),
  countries: KeyCounts,
  referrers: KeyCounts,
  browsers: KeyCounts,
  os: KeyCounts,
  devices: KeyCounts,
  languages: KeyCounts,
  topLinks: Type.Optional(Type.Array(Type.Object({ code: Type.String(), clicks: Type.Integer() }))),
}, { $id: 'Stats' });
