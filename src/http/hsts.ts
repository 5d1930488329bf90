import type { FastifyInstance } from 'fastify';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * HSTS only over HTTPS (RFC 6797 §7.2: a browser ignores it over plain HTTP, and a server reached
 * over HTTP must not claim it). The protocol is Fastify's: X-Forwarded-Proto counts only from a
 * trusted proxy (LINKPULSE_TRUST_PROXY).
 */
export function strictTransportSecurity(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
}
