import type { FastifyRequest } from 'fastify';
import type { Role } from '../core/keys/api-key.js';
import { ApiKeyService, type Principal } from '../core/keys/api-key-service.js';
import type { SessionService } from '../core/keys/session-service.js';
import { ForbiddenError, UnauthorizedError } from '../core/shared/errors.js';
import type { GuessThrottle } from './guess-throttle.js';
import { isSameOrigin, sessionId } from './session-cookie.js';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** onRequest hook for /api: who is calling (Bearer key, or the dashboard's session), and may they do this. */
export function authenticator(keys: ApiKeyService, sessions: SessionService, guesses: GuessThrottle) {
  return async (request: FastifyRequest): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const bearer = bearerToken(request);
    const session = bearer === undefined ? sessionId(request) : undefined;
    if (session !== undefined && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
      throw new ForbiddenError('A cookie-authenticated change must come from this site (Origin check)');
    }
    // A network that guessed too often is refused whatever it sends: a right guess would not show.
    guesses.check(request.ip);
    let principal: Principal;
    try {
      principal = session === undefined ? await keys.authenticate(bearer) : await sessions.principal(session);
    } catch (error) {
      if (error instanceof UnauthorizedError && (bearer ?? session) !== undefined) guesses.failed(request.ip);
      throw error;
    }
    const needed: Role = config.role ?? (SAFE_METHODS.has(request.method) ? 'viewer' : 'admin');
    ApiKeyService.require(principal, needed);
    request.principal = principal;
  };
}
