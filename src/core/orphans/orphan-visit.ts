import type { FieldErrors } from '../shared/field-errors.js';
import type { Campaign } from '../clicks/campaign.js';
import type { VisitFields } from '../clicks/click.js';

/** Which request no link answered: the base URL, a code that names no link, any other 404. */
export const ORPHAN_TYPES = ['base_url', 'invalid_code', 'regular_404'] as const;
export type OrphanType = (typeof ORPHAN_TYPES)[number];

/** A visit no link answered, enriched as a click is. `at` is epoch milliseconds. */
export interface OrphanVisit extends VisitFields, Campaign {
  readonly id: number;
  readonly type: OrphanType;
  /** The path asked for, as sent (percent-encoded), without the query. */
  readonly path: string;
}

export type NewOrphanVisit = Omit<OrphanVisit, 'id'>;

/** `type=base_url,invalid_code`: any of them; none given, every type. Malformed: collected in `errors`. */
export function parseOrphanTypes(raw: unknown, errors: FieldErrors): OrphanType[] {
  if (raw === undefined) return [];
  const items = String(raw).split(',').map((item) => item.trim());
  const wrong = items.find((item) => !(ORPHAN_TYPES as readonly string[]).includes(item));
  if (Array.isArray(raw) || wrong !== undefined) {
    errors.add('type', `must be one of ${ORPHAN_TYPES.join(', ')}, or several of them comma-separated (got "${String(raw)}")`);
    return [];
  }
  return [...new Set(items as OrphanType[])];
}
