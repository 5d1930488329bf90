import { Type } from 'typebox';
import { Nullable } from './common.js';

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String({ enum: ['admin', 'viewer'] }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'ApiKey' });

export const CreateKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  role: Type.Union([Type.Literal('admin'), Type.Literal('viewer')]),
}, { additionalProperties: false });

export const CreatedKey = Type.Object({ key: Type.Ref('ApiKey'), secret: Type.String() });
export const KeyParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
