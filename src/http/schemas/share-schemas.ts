import { DomainParam } from '../link-keys.js';
import { Type } from 'typebox';
import { ClickSchema } from './click-schemas.js';
import { Nullable } from './common.js';

export const ShareSchema = Type.Object({
  id: Type.String({ description: 'Random and unguessable (about 190 bits): whoever has it can read the report' }),
  url: Type.String({ description: 'The read-only report page; it needs no API key' }),
  linkCode: Type.String(),
  linkDomain: Type.String({ description: 'The host the shared link lives on' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'Share' });

export const CreateShareBody = Type.Object({
  expiresAt: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'ISO 8601 date-time with zone, in the future; null or absent: never' }))),
}, { additionalProperties: false });

export const ShareParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const ShareListQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 200, description: 'Only the shares of this link' })),
  domain: Type.Optional(DomainParam),
});

const PRIVATE_FIELDS = new Set(['ip', 'userAgent', 'visitorId', 'referrer']);

/** A Click without what identifies a visitor, and without the referrer URL (its host stays). */
export const SharedClickSchema = Type.Object(
  Object.fromEntries(Object.entries(ClickSchema.properties).filter(([name]) => !PRIVATE_FIELDS.has(name))),
  { $id: 'SharedClick', description: 'What a share\'s live stream carries of a click: no IP, user agent, visitor id or referrer URL' },
);
