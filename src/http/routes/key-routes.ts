import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKey } from '../../core/keys/api-key.js';
import type { LinkPulse } from '../../composition-root.js';
import { problems } from '../schemas/common.js';
import { CreatedKey, CreateKeyBody, KeyParams } from '../schemas/key-schemas.js';

export const keyRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const tags = ['keys'];
  const config = { role: 'admin' as const };

  app.post('/api/keys', {
    config, schema: { tags, summary: 'Create an API key; its secret is shown only here', body: CreateKeyBody, response: { 201: CreatedKey, ...problems(400, 401, 403, 413, 415, 422) } },
  }, async (request, reply) => {
    const { key, secret } = await lp.keys.create(request.body.name, request.body.role);
    return reply.code(201).send({ key: keyView(key), secret });
  });

  app.get('/api/keys', {
    config, schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: Type.Object({ items: Type.Array(Type.Ref('ApiKey')) }), ...problems(401, 403) } },
  }, async () => ({ items: (await lp.keys.list()).map(keyView) }));

  app.delete('/api/keys/:id', {
    config, schema: { tags, summary: 'Revoke an API key', params: KeyParams, response: { 204: Type.Null(), ...problems(401, 403, 404, 422) } },
  }, async (request, reply) => {
    await lp.keys.revoke(request.params.id);
    return reply.code(204).send(null);
  });
};

export function keyView(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    createdAt: new Date(key.createdAt).toISOString(),
    lastUsedAt: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
  };
}
