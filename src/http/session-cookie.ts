import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_DAYS } from '../core/keys/session-service.js';

/** The dashboard's session id: HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'lp_session';
// Where an older dashboard kept the API key itself: cleared wherever it is seen, never read.
const KEY_COOKIE = 'lp_key';

export function sessionId(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

export function setSession(reply: FastifyReply, id: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: SESSION_DAYS * 86_400 });
}

export function clearSession(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
  clearKeyCookie(request, reply, secure);
}

export function clearKeyCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  if (request.cookies?.[KEY_COOKIE] !== undefined) reply.clearCookie(KEY_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
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
