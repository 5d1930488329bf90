import { ValidationError } from '../shared/errors.js';
import { pointsAtOwnHost } from './own-hosts.js';

export const MAX_URL_LENGTH = 8000;

/**
 * Turns user input into the canonical ASCII form we store and redirect to,
 * or refuses it with a reason naming `field`.
 * `ownHosts` are the hosts LinkPulse answers on: a link to them would loop.
 */
export function canonicalTargetUrl(input: string, ownHosts: readonly string[], field = 'url'): string {
  const trimmed = input.trim();
  const refuse = (message: string): never => {
    throw ValidationError.field(field, message);
  };
  if (trimmed.length === 0) refuse('must not be empty');
  if (trimmed.length > MAX_URL_LENGTH) refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return refuse('must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse('must use http or https');
  if (url.hostname === '') refuse('must name a host');
  if (url.username !== '' || url.password !== '') refuse('must not contain credentials (user:password@)');
  if (pointsAtOwnHost(url, ownHosts)) refuse(`must not point at this LinkPulse (${url.host} is this service's own host; it would loop)`);
  const canonical = url.href;
  if (canonical.length > MAX_URL_LENGTH) refuse(`must be at most ${MAX_URL_LENGTH} characters once encoded`);
  return canonical;
}
