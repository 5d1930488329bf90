import type { IncomingHttpHeaders } from 'node:http';
import type { RedirectRequest } from '../core/clicks/click-recorder.js';

/** What the click pipeline needs to know about a redirect request. */
export function redirectRequest(ip: string, headers: IncomingHttpHeaders): RedirectRequest {
  return {
    ip: ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, ''),
    userAgent: headers['user-agent'],
    referer: headers.referer,
    acceptLanguage: headers['accept-language'],
  };
}

/** Whatever bytes the client sent, the Location header gets a valid, percent-encoded query. */
export function safeSearch(search: string): string {
  if (search.length <= 1) return '';
  try {
    return new URL(`http://x/${search}`).search;
  } catch {
    return '';
  }
}
