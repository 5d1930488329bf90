import { Type } from 'typebox';
import { WEBHOOK_EVENTS } from '../../core/webhooks/webhook.js';
import { Cursor, Nullable } from './common.js';

const EventType = Type.String({ enum: [...WEBHOOK_EVENTS] });

export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'Where events are posted (http or https)' }),
  events: Type.Array(EventType),
  links: Nullable(Type.Array(Type.String(), { description: 'Codes of the links it is limited to (a deleted link leaves the list); null: every link' })),
  createdAt: Type.String({ format: 'date-time' }),
  disabled: Type.Boolean({ description: 'Nothing is sent while disabled; events still queue. Retrying a delivery enables it again' }),
  disabledAt: Nullable(Type.String({ format: 'date-time' })),
  disabledReason: Nullable(Type.String({ description: 'Why it was disabled: a delivery failed for 24 hours, with its last error' })),
}, { $id: 'Webhook' });

export const CreatedWebhook = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({ description: 'The signing secret (whsec_…), shown only here' }),
});

export const CreateWebhookBody = Type.Object({
  url: Type.String({ maxLength: 8000, description: 'An absolute http or https URL, checked as a link\'s target is' }),
  events: Type.Array(EventType, { minItems: 1, maxItems: 10 }),
  links: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000, description: 'Codes of the links to limit it to; absent: every link' })),
}, { additionalProperties: false });

export const WebhookParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 100 }), deliveryId: Type.String({ maxLength: 100 }) });

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The webhook-id header of every attempt: a receiver tells a repeat by it' }),
  type: EventType,
  createdAt: Type.String({ format: 'date-time' }),
  status: Type.String({ enum: ['pending', 'delivered', 'failed'] }),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'When pending: when it is tried next' })),
  lastAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastStatus: Nullable(Type.Integer({ description: 'The receiver\'s HTTP status; null when it gave none' })),
  lastError: Nullable(Type.String({ description: 'Why the last attempt failed: the status and the start of the answer, or why there was none' })),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'WebhookDelivery' });

export const DeliveryPageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Cursor),
});

export const DeliveryPage = Type.Object({ items: Type.Array(Type.Ref('WebhookDelivery')), nextCursor: Nullable(Type.String()) });
