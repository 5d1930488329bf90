import { Type } from 'typebox';
import { Nullable } from './common.js';

export const DomainSchema = Type.Object({
  host: Type.String({ description: 'Lowercase host, with a port only if registered with one' }),
  isDefault: Type.Boolean({ description: 'The base URL\'s host: links created without a domain live there' }),
  baseUrlRedirect: Nullable(Type.String({ description: 'Where a visit to the host\'s root (/) is sent (302)' })),
  notFoundRedirect: Nullable(Type.String({ description: 'Where a visit to a code no link on the host has is sent (302)' })),
}, { $id: 'Domain' });

export const CreateDomainBody = Type.Object({
  host: Type.String({ maxLength: 300, description: 'A DNS name such as go.example.com, optionally with :port; its DNS must point at this server' }),
  baseUrlRedirect: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  notFoundRedirect: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
}, { additionalProperties: false });

export const UpdateDomainBody = Type.Object({
  baseUrlRedirect: Type.Optional(Nullable(Type.String({ maxLength: 10_000, description: 'null removes it; left out, it stays' }))),
  notFoundRedirect: Type.Optional(Nullable(Type.String({ maxLength: 10_000, description: 'null removes it; left out, it stays' }))),
}, { additionalProperties: false });

export const DomainParams = Type.Object({ host: Type.String({ maxLength: 300 }) });
