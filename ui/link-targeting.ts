/** The link forms' targeting rules and A/B variants: drafts as typed, and the API's shapes. */
import type { Link } from './api.js';
import { instantToLocal, localToInstant, splitTags } from './form-values.js';

/** One rule as its fields hold it: lists comma separated, query parameters as a query string. */
export interface RuleDraft {
  url: string;
  device: string;
  country: string;
  language: string;
  os: string;
  browser: string;
  ip: string;
  query: string;
  after: string;
  before: string;
}

export interface VariantDraft {
  url: string;
  weight: string;
}

export const LIST_CONDITIONS = ['device', 'country', 'language', 'os', 'browser', 'ip'] as const;

export const emptyRule = (): RuleDraft => ({ url: '', device: '', country: '', language: '', os: '', browser: '', ip: '', query: '', after: '', before: '' });
export const emptyVariant = (): VariantDraft => ({ url: '', weight: '50' });

export function ruleDrafts(rules: Link['rules']): RuleDraft[] {
  return rules.map(({ when, url }) => {
    const draft = { ...emptyRule(), url, after: instantToLocal(when.after ?? null), before: instantToLocal(when.before ?? null) };
    for (const name of LIST_CONDITIONS) draft[name] = (when[name] ?? []).join(', ');
    const query = new URLSearchParams();
    for (const [name, values] of Object.entries(when.query ?? {})) for (const value of values) query.append(name, value);
    draft.query = query.toString();
    return draft;
  });
}

export const variantDrafts = (variants: Link['variants']): VariantDraft[] => variants.map((v) => ({ url: v.url, weight: String(v.weight) }));

/** A rule as the API shows it, and takes it: times as ISO 8601. */
type Rule = Link['rules'][number];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Rules as the API takes them; a condition left empty is no condition. */
export function rulesOf(drafts: readonly RuleDraft[]): Rule[] {
  return drafts.map((draft) => {
    const when: Mutable<Rule['when']> = {};
    for (const name of LIST_CONDITIONS) {
      const values = splitTags(draft[name]);
      if (values.length > 0) when[name] = values;
    }
    const query: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(draft.query.trim())) (query[name] ??= []).push(value);
    if (Object.keys(query).length > 0) when.query = query;
    const after = localToInstant(draft.after);
    const before = localToInstant(draft.before);
    if (after !== null) when.after = after;
    if (before !== null) when.before = before;
    return { when, url: draft.url.trim() };
  });
}

/** Variants as the API takes them; a weight that is not a number is sent as typed, for the API to name it. */
export function variantsOf(drafts: readonly VariantDraft[]): { url: string; weight: number | string }[] {
  return drafts.map((d) => {
    const weight = d.weight.trim();
    return { url: d.url.trim(), weight: weight !== '' && Number.isFinite(Number(weight)) ? Number(weight) : weight };
  });
}

/** `list` with item `i` moved by `by` places (kept in bounds). */
export function moved<T>(list: readonly T[], i: number, by: number): T[] {
  const j = Math.min(list.length - 1, Math.max(0, i + by));
  const next = [...list];
  const [item] = next.splice(i, 1);
  if (item !== undefined) next.splice(j, 0, item);
  return next;
}
