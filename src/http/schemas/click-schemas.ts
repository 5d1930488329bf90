import { Type } from 'typebox';
import { Cursor, Nullable, TimeParam } from './common.js';

export const ClickSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  at: Type.String({ format: 'date-time' }),
  ip: Nullable(Type.String()),
  country: Nullable(Type.String()),
  browser: Nullable(Type.String()),
  os: Nullable(Type.String()),
  device: Type.String({ enum: ['desktop', 'mobile', 'tablet', 'bot', 'other'] }),
  bot: Type.Boolean(),
  referrer: Nullable(Type.String()),
  referrerHost: Nullable(Type.String()),
  language: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  visitorId: Type.String(),
}, { $id: 'Click' });

export const ClickPageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  cursor: Type.Optional(Cursor),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
});

export const ClickPage = Type.Object({ items: Type.Array(Type.Ref('Click')), nextCursor: Nullable(Type.String()) });

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' }),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
});
