import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import type { Delivery, Webhook } from '../../core/webhooks/webhook.js';
import { problems } from '../schemas/common.js';
import { CreatedWebhook, CreateWebhookBody, DeliveryPage, DeliveryPageQuery, DeliveryParams, WebhookParams } from '../schemas/webhook-schemas.js';

/** Managing webhooks (admin): signed events posted to a URL, each delivery's fate, retrying one. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['webhooks'];
  const config = { role: 'admin' as const };

  app.post('/api/webhooks', {
    config,
    schema: {
      tags, summary: 'Create a webhook; its signing secret is shown only here',
      body: CreateWebhookBody, response: { 201: CreatedWebhook, ...problems(400, 401, 403, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const webhook = await lp.webhooks.create(request.body);
    return reply.code(201).send({ ...webhookView(webhook), secret: webhook.secret });
  });

  app.get('/api/webhooks', {
    config, schema: { tags, summary: 'List webhooks (never their secrets)', response: { 200: Type.Object({ items: Type.Array(Type.Ref('Webhook')) }), ...problems(401, 403) } },
  }, async () => ({ items: (await lp.webhooks.list()).map(webhookView) }));

  app.delete('/api/webhooks/:id', {
    config, schema: { tags, summary: 'Delete a webhook and its deliveries', params: WebhookParams, response: { 204: Type.Null(), ...problems(401, 403, 404) } },
  }, async (request, reply) => {
    await lp.webhooks.delete(request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/webhooks/:id/deliveries', {
    config,
    schema: {
      tags, summary: 'The webhook\'s deliveries, newest first: status, attempts, last error, next attempt',
      params: WebhookParams, querystring: DeliveryPageQuery, response: { 200: DeliveryPage, ...problems(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const page = await lp.webhooks.deliveries(request.params.id, request.query);
    return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
  });

  app.post('/api/webhooks/:id/deliveries/:deliveryId/retry', {
    config,
    schema: {
      tags, summary: 'Send a delivery again now, with a new day of retries; a disabled webhook is enabled again',
      params: DeliveryParams, response: { 204: Type.Null(), ...problems(401, 403, 404) },
    },
  }, async (request, reply) => {
    await lp.webhooks.retry(request.params.id, request.params.deliveryId);
    return reply.code(204).send(null);
  });
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function webhookView(webhook: Webhook) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: [...webhook.events],
    links: webhook.links === null ? null : webhook.links.map((l) => l.code),
    createdAt: new Date(webhook.createdAt).toISOString(),
    disabled: webhook.disabledAt !== null,
    disabledAt: iso(webhook.disabledAt),
    disabledReason: webhook.disabledReason,
  };
}

function deliveryView(delivery: Delivery) {
  return {
    id: delivery.id,
    type: delivery.type,
    createdAt: new Date(delivery.createdAt).toISOString(),
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    lastAttemptAt: iso(delivery.lastAttemptAt),
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    deliveredAt: iso(delivery.deliveredAt),
  };
}
