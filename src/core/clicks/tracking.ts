import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Link } from '../links/link.js';

/**
 * Which redirects are recorded: not those of a link with `track: false`, not those from an excluded
 * address or network, not those that carry the no-track parameter (which is not forwarded either).
 */
export class TrackingPolicy {
  private readonly excluded: BlockList | undefined;

  /** `excludedIps`: addresses and CIDRs, checked already (config). */
  constructor(excludedIps: readonly string[], private readonly noTrackParam: string | undefined) {
    if (excludedIps.length === 0) return;
    this.excluded = new BlockList();
    for (const entry of excludedIps) {
      const [address = '', bits] = entry.split('/');
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.excluded.addAddress(address, family);
      else this.excluded.addSubnet(address, Number(bits), family);
    }
  }

  /** Whether a redirect of `link` for the client at `ip`, with the query `search` ("?…" or ""), is recorded. */
  records(link: Link, ip: string, search: string): boolean {
    if (!link.track) return false;
    if (this.excluded && (isIPv4(ip) ? this.excluded.check(ip, 'ipv4') : isIPv6(ip) && this.excluded.check(ip, 'ipv6'))) return false;
    return this.noTrackParam === undefined || search.length <= 1 || !new URLSearchParams(search).has(this.noTrackParam);
  }

  /** The query to forward to the target: the request's, without the no-track parameter. */
  forwarded(search: string): string {
    if (this.noTrackParam === undefined || search.length <= 1) return search;
    const params = new URLSearchParams(search);
    if (!params.has(this.noTrackParam)) return search;
    params.delete(this.noTrackParam);
    const rest = params.toString();
    return rest === '' ? '' : `?${rest}`;
  }
}
