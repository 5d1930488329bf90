import { Type } from 'typebox';
import { DEVICES } from '../../core/clicks/click.js';
import { Cursor, Nullable, TimeParam } from './common.js';
import { BotsParam, FilterQuery } from './filter-schemas.js';

/** What every visit shows, a click's or an orphan visit's (core/clicks/click-view.ts's VisitView). */
export const VisitProperties = {
  ip: Nullable(Type.String()),
  country: Nullable(Type.String()),
  browser: Nullable(Type.String()),
  os: Nullable(Type.String()),
  device: Type.String({ enum: [...DEVICES] }),
  bot: Type.Boolean(),
  referrer: Nullable(Type.String()),
  referrerHost: Nullable(Type.String()),
  language: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  visitorId: Type.String(),
  utmSource: Nullable(Type.String()),
  utmMedium: Nullable(Type.String()),
  utmCampaign: Nullable(Type.String()),
  utmTerm: Nullable(Type.String()),
  utmContent: Nullable(Type.String()),
  region: Nullable(Type.String({ description: 'ISO 3166-2, where the GeoIP database has it' })),
  city: Nullable(Type.String()),
};

export const ClickSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  at: Type.String({ format: 'date-time' }),
  ...VisitProperties,
  target: Nullable(Type.String({ description: 'The URL the visitor was sent to, without the forwarded query' })),
  domain: Type.String({ description: 'The host the click\'s link lives on' }),
}, { $id: 'Click' });

export const ClickPageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  cursor: Type.Optional(Cursor),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  bots: Type.Optional(BotsParam),
  ...FilterQuery,
});

export const ClickPage = Type.Object({ items: Type.Array(Type.Ref('Click')), nextCursor: Nullable(Type.String()) });

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' }),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  bots: Type.Optional(BotsParam),
  ...FilterQuery,
});

export const LiveQuery = Type.Object({ bots: Type.Optional(BotsParam), ...FilterQuery });
