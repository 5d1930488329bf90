import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { LinkPulse } from '../../composition-root.js';
import { CodeParams } from '../schemas/common.js';
import { DomainParam, linkKeyOf } from '../link-keys.js';
import { shortUrlOf } from '../../core/links/link-view.js';

export const qrRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  app.get('/api/links/:code/qr', {
    schema: {
      tags: ['links'], summary: 'QR code of the short URL', params: CodeParams,
      querystring: Type.Object({ format: Type.Union([Type.Literal('svg'), Type.Literal('png')], { default: 'svg' }), domain: Type.Optional(DomainParam) }),
      produces: ['image/svg+xml', 'image/png'],
    },
  }, async (request, reply) => {
    const link = await lp.links.find(linkKeyOf(lp.domains, request.params.code, request.query.domain));
    const shortUrl = shortUrlOf(link, lp.config.baseUrl);
    reply.header('content-disposition', `inline; filename="${link.code}.${request.query.format}"`);
    if (request.query.format === 'png') {
      return reply.type('image/png').send(await QRCode.toBuffer(shortUrl, { type: 'png', width: 512, margin: 2 }));
    }
    return reply.type('image/svg+xml').send(await QRCode.toString(shortUrl, { type: 'svg', margin: 2 }));
  });
};
