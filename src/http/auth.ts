import type { FastifyRequest } from 'fastify';
import type { Role } from '../core/keys/api-key.js';
import { ApiKeyService, type Principal } from '../core/keys/api-key-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; reads default to viewer, writes to admin. */
    role?: Role;
    /** Routes anyone may call (docs). */
    public?: boolean;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** onRequest hook for /api: who is calling, and may they do this. */
export function authenticator(keys: ApiKeyService) {
  return async (request: FastifyRequest): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const principal = await keys.authenticate(bearerToken(request));
    const needed: Role = config.role ?? (request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'admin');
    ApiKeyService.require(principal, needed);
    request.principal = principal;
  };
}
