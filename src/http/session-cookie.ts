import type { FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard keeps the API key it signed in with here: HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'lp_key';
const MAX_AGE_S = 30 * 86_400;

export function sessionKey(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

export function setSession(reply: FastifyReply, key: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, key, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: MAX_AGE_S });
}

export function clearSession(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/**
 * CSRF defence for cookie-authenticated writes, beside SameSite=Strict: the browser's Origin
 * (or, failing that, Referer) must be this very host.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  try {
    return new URL(source).host === request.host;
  } catch {
    return false;
  }
}
