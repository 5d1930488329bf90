import { DEVICES } from '../clicks/click.js';
import { isAddressOrCidr } from '../shared/address-list.js';
import type { FieldErrors } from '../shared/field-errors.js';
import { parseInstant } from './link-input.js';
import type { Accepted, RuleConditions, TargetRule, Variant } from './target-rule.js';

/** A condition as a client writes it: one value, or a list (any of). */
type OneOrMany = string | readonly string[];

export interface RuleInput {
  readonly when: {
    readonly device?: OneOrMany | undefined;
    readonly os?: OneOrMany | undefined;
    readonly browser?: OneOrMany | undefined;
    readonly country?: OneOrMany | undefined;
    readonly language?: OneOrMany | undefined;
    readonly ip?: OneOrMany | undefined;
    readonly query?: Readonly<Record<string, OneOrMany>> | undefined;
    readonly after?: string | undefined;
    readonly before?: string | undefined;
  };
  readonly url: string;
}

export interface VariantInput {
  readonly url: string;
  readonly weight: number;
}

export const MAX_RULES = 50;
export const MAX_VARIANTS = 20;

/** Rules checked and normalized (countries upper case, languages lower case); each URL by `checkUrl`. */
export function checkRules(input: readonly RuleInput[], errors: FieldErrors, checkUrl: (url: string, field: string) => string | undefined): TargetRule[] {
  if (input.length > MAX_RULES) errors.add('rules', `at most ${MAX_RULES} rules`);
  return input.map((rule, i) => {
    const field = (name: string) => `rules[${i}].${name}`;
    const when = rule.when;
    const list = (name: string, value: OneOrMany | undefined, valid: (v: string) => boolean, what: string, normal = (v: string) => v): Accepted | undefined => {
      if (value === undefined) return undefined;
      const values = (typeof value === 'string' ? [value] : [...value]).map((v) => v.trim());
      if (values.length === 0) errors.add(field(`when.${name}`), 'must name at least one value');
      const wrong = values.find((v) => !valid(v));
      if (wrong !== undefined) errors.add(field(`when.${name}`), `must be ${what} (got "${wrong}")`);
      return values.map(normal);
    };
    const instant = (name: 'after' | 'before') => {
      const value = when[name];
      if (value === undefined) return undefined;
      const ms = parseInstant(value);
      if (ms === undefined) errors.add(field(`when.${name}`), 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T12:00:00Z');
      return ms;
    };
    const conditions: RuleConditions = {
      device: list('device', when.device, (v) => (DEVICES as readonly string[]).includes(v.toLowerCase()), `one of ${DEVICES.join(', ')}`, (v) => v.toLowerCase()),
      os: list('os', when.os, (v) => v.length > 0 && v.length <= 100, 'an operating system name, e.g. iOS'),
      browser: list('browser', when.browser, (v) => v.length > 0 && v.length <= 100, 'a browser name, e.g. Chrome'),
      country: list('country', when.country, (v) => /^[A-Za-z]{2}$/.test(v), 'a two-letter country code, e.g. DE', (v) => v.toUpperCase()),
      language: list('language', when.language, (v) => /^[A-Za-z]{2,3}$/.test(v), 'a language code, e.g. de', (v) => v.toLowerCase()),
      ip: list('ip', when.ip, isAddressOrCidr, 'an IP address or a CIDR, e.g. 10.0.0.0/8'),
      query: when.query === undefined ? undefined : Object.fromEntries(Object.entries(when.query).map(([name, value]) => {
        if (name === '') errors.add(field('when.query'), 'parameter names must not be empty');
        return [name, list(`query.${name}`, value, () => true, 'a value') ?? []];
      })),
      after: instant('after'),
      before: instant('before'),
    };
    const url = checkUrl(rule.url, field('url')) ?? '';
    return { when: dropUndefined(conditions), url };
  });
}

/** Variants checked: positive whole weights, URLs by `checkUrl`. */
export function checkVariants(input: readonly VariantInput[], errors: FieldErrors, checkUrl: (url: string, field: string) => string | undefined): Variant[] {
  if (input.length > MAX_VARIANTS) errors.add('variants', `at most ${MAX_VARIANTS} variants`);
  if (input.length === 1) errors.add('variants', 'an A/B split needs at least two variants');
  return input.map((variant, i) => {
    if (!Number.isInteger(variant.weight) || variant.weight < 1 || variant.weight > 1_000_000) {
      errors.add(`variants[${i}].weight`, `must be a whole number from 1 to 1000000 (got ${variant.weight})`);
    }
    return { url: checkUrl(variant.url, `variants[${i}].url`) ?? '', weight: variant.weight };
  });
}

function dropUndefined(conditions: RuleConditions): RuleConditions {
  return Object.fromEntries(Object.entries(conditions).filter(([, v]) => v !== undefined)) as RuleConditions;
}
