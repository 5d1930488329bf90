import { addressList } from '../shared/address-list.js';
import type { Link } from '../links/link.js';

/**
 * Which redirects are recorded: not those of a link with `track: false`, not those from an excluded
 * address or network, not those that carry the no-track parameter (which is not forwarded either).
 */
export class TrackingPolicy {
  private readonly excluded: ((ip: string) => boolean) | undefined;

  /** `excludedIps`: addresses and CIDRs, checked already (config). */
  constructor(excludedIps: readonly string[], private readonly noTrackParam: string | undefined) {
    this.excluded = excludedIps.length === 0 ? undefined : addressList(excludedIps);
  }

  /** Whether a redirect of `link` for the client at `ip`, with the query `search` ("?…" or ""), is recorded. */
  records(link: Link, ip: string, search: string): boolean {
    return link.track && this.recordsVisit(ip, search);
  }

  /** Whether a visit from `ip` with the query `search` is recorded, whichever link (or none) it is for. */
  recordsVisit(ip: string, search: string): boolean {
    if (this.excluded?.(ip)) return false;
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
