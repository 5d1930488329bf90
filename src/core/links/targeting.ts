import { createHash } from 'node:crypto';
import { addressList } from '../shared/address-list.js';
import type { Link } from './link.js';
import type { Accepted, RuleConditions, Variant } from './target-rule.js';

/** What a redirect knows about its visitor, as its click records it. */
export interface VisitFacts {
  readonly device: string;
  readonly os: string | null;
  readonly browser: string | null;
  readonly country: string | null;
  readonly language: string | null;
  readonly ip: string;
  /** The request's query ('' or "?…"). */
  readonly search: string;
  readonly now: number;
  /** The same for one visitor all day (the day's visitor id): A/B variants stick to it. */
  readonly visitorId: string;
}

/**
 * Where a visit goes: the first rule whose conditions all hold, else a variant picked by weight and
 * the visitor (the same one all day), else the link's URL. All in memory: no database read.
 */
export function chooseTarget(link: Link, facts: VisitFacts): string {
  for (const rule of link.rules) if (holds(rule.when, facts)) return rule.url;
  if (link.variants.length > 0) return pickVariant(link.variants, `${link.id}|${facts.visitorId}`);
  return link.url;
}

function holds(when: RuleConditions, facts: VisitFacts): boolean {
  const oneOf = (accepted: Accepted | undefined, value: string | null) =>
    accepted === undefined || (value !== null && accepted.some((a) => a.toLowerCase() === value.toLowerCase()));
  if (!oneOf(when.device, facts.device) || !oneOf(when.os, facts.os) || !oneOf(when.browser, facts.browser)) return false;
  if (!oneOf(when.country, facts.country) || !oneOf(when.language, facts.language)) return false;
  if (when.after !== undefined && facts.now < when.after) return false;
  if (when.before !== undefined && facts.now >= when.before) return false;
  if (when.ip !== undefined && !addressListOf(when.ip)(facts.ip)) return false;
  if (when.query !== undefined) {
    const params = new URLSearchParams(facts.search);
    for (const [name, accepted] of Object.entries(when.query)) {
      const value = params.get(name);
      if (value === null || !accepted.includes(value)) return false;
    }
  }
  return true;
}

// Built once per rule's list (rules are replaced, never changed, when a link is).
const addressLists = new WeakMap<Accepted, (ip: string) => boolean>();

function addressListOf(entries: Accepted): (ip: string) => boolean {
  let matches = addressLists.get(entries);
  if (matches === undefined) addressLists.set(entries, (matches = addressList(entries)));
  return matches;
}

/** A variant by weight, at a point in [0, 1) that `key` always maps to. */
function pickVariant(variants: readonly Variant[], key: string): string {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  const point = (createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32) * total;
  let reached = 0;
  for (const variant of variants) {
    reached += variant.weight;
    if (point < reached) return variant.url;
  }
  return (variants.at(-1) as Variant).url;
}
