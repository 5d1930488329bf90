import type { NewClick } from './click.js';

export type Refusal = 'link-deleted' | 'link-exhausted';

/** A link's counter as the storing transaction sees it, locked. */
export interface LinkBudget {
  readonly clickCount: number;
  readonly maxClicks: number | null;
}

/**
 * Which clicks of a batch may be stored: none for a link deleted meanwhile, and for a link with a
 * click budget only as many as it has left, first come first served. Run inside the transaction
 * that stores them, so concurrent redirects (or nodes) can never exceed `maxClicks`.
 */
export function admitClicks(clicks: readonly NewClick[], budgets: ReadonlyMap<number, LinkBudget>): {
  verdicts: (Refusal | 'store')[];
  perLink: Map<number, number>;
} {
  const perLink = new Map<number, number>();
  const verdicts = clicks.map((click): Refusal | 'store' => {
    const budget = budgets.get(click.linkId);
    if (!budget) return 'link-deleted';
    const taken = perLink.get(click.linkId) ?? 0;
    if (budget.maxClicks !== null && budget.clickCount + taken >= budget.maxClicks) return 'link-exhausted';
    perLink.set(click.linkId, taken + 1);
    return 'store';
  });
  return { verdicts, perLink };
}
