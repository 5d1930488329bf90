import { isIP, isIPv4, isIPv6 } from 'node:net';

export type IpStorage = 'full' | 'anonymized' | 'none';

/** What of the client IP is kept: all of it, its network (/24, /48), or nothing; never what is not an IP. */
export function storedIp(ip: string, policy: IpStorage): string | null {
  if (policy === 'full') return isIP(ip) === 0 ? null : ip;
  if (policy === 'none') return null;
  if (isIPv4(ip)) return ip.split('.').slice(0, 3).concat('0').join('.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return storedIp(mapped[1], policy);
  if (isIPv6(ip)) return `${expandIpv6(ip).slice(0, 3).join(':')}::`;
  return null;
}

/**
 * Who is behind an address, as far as telling clients apart goes: an IPv4 address, or an IPv6
 * address's /64 (one subscriber's network: its other addresses are no one else's).
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  return isIPv6(ip) ? `${expandIpv6(ip).slice(0, 4).join(':')}::/64` : ip;
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const missing = ip.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
