/**
 * Whether a URL points at this service, however its host is spelled. The WHATWG URL parser has
 * already lowercased the host, decoded IDN and percent-escapes, and written IPv4 in its dotted
 * form (2130706433, 0x7f.1 and 127.1 are 127.0.0.1); what is left to equate is done here.
 */
export function pointsAtOwnHost(url: URL, ownHosts: readonly string[]): boolean {
  const place = placeOf(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return ownHosts.some((own) => {
    const entry = parseOwn(own);
    if (entry === undefined || entry.place !== place) return false;
    // An own host without a port is reached on the default ports: http and https alike, behind a proxy.
    return entry.port === '' ? port === '80' || port === '443' : port === entry.port;
  });
}

const THIS_MACHINE = '(this machine)';

/** One name per place: trailing dots dropped, IPv4 inside IPv6 unwrapped, every local address the same. */
function placeOf(hostname: string): string {
  let host = hostname.toLowerCase().replace(/\.+$/, '');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = embeddedIpv4(host) ?? host;
  const local = host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(host)
    || host === '::1' || host === '::';
  return local ? THIS_MACHINE : host;
}

/** ::ffff:7f00:1 (IPv4-mapped) and ::7f00:1 (IPv4-compatible) are 127.0.0.1. */
function embeddedIpv4(host: string): string | undefined {
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (hex) {
    const [high, low] = [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16)];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
}

function parseOwn(own: string): { place: string; port: string } | undefined {
  try {
    const url = new URL(`http://${own}`);
    return { place: placeOf(url.hostname), port: url.port === '80' ? '' : url.port };
  } catch {
    return undefined;
  }
}
