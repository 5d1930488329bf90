import { readFile } from 'node:fs/promises';
import type { RuleInput, VariantInput } from '../core/links/targeting-input.js';
import { unprintableProblem } from '../core/shared/text.js';
import { FileError } from './files.js';

// The shape checks the API's schema makes for a request body; the core checks the values.
const LIST_CONDITIONS = ['device', 'os', 'browser', 'country', 'language', 'ip'] as const;
const TIME_CONDITIONS = ['after', 'before'] as const;
const CONDITIONS: readonly string[] = [...LIST_CONDITIONS, ...TIME_CONDITIONS, 'query'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOneOrMany = (value: unknown): value is string | string[] =>
  typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

/** Every string in a JSON value, keys included. */
const textsOf = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  return isRecord(value) ? Object.entries(value).flatMap(([key, v]) => [key, ...textsOf(v)]) : [];
};

/** One rule as `--rule` or a rules file gives it, its shape checked; `where` names it in an error. */
export function ruleFrom(value: unknown, where: string): RuleInput {
  const fail = (message: string): never => { throw new Error(`${where}: ${message}`); };
  if (!isRecord(value)) return fail('must be an object like {"when": {"country": "DE"}, "url": "https://…"}');
  const unknown = Object.keys(value).find((key) => key !== 'when' && key !== 'url');
  if (unknown !== undefined) fail(`"${unknown}" is not a field of a rule; its fields: when, url`);
  if (typeof value.url !== 'string') fail('url must be a string');
  const when = value.when ?? {};
  if (!isRecord(when)) return fail('when must be an object of conditions');
  for (const [name, condition] of Object.entries(when)) {
    if (!CONDITIONS.includes(name)) fail(`when.${name} is not a condition; conditions: ${CONDITIONS.join(', ')}`);
    if ((TIME_CONDITIONS as readonly string[]).includes(name)) {
      if (typeof condition !== 'string') fail(`when.${name} must be an ISO 8601 date-time string`);
    } else if (name === 'query') {
      if (!isRecord(condition)) fail('when.query must be an object of parameter names and values');
      for (const [param, accepted] of Object.entries(condition as Record<string, unknown>)) {
        if (!isOneOrMany(accepted)) fail(`when.query.${param} must be a string or a list of strings`);
      }
    } else if (!isOneOrMany(condition)) {
      fail(`when.${name} must be a string or a list of strings`);
    }
  }
  // What the API refuses in any text of a body, before it reaches a database.
  const unprintable = textsOf(value).map(unprintableProblem).find((problem) => problem !== undefined);
  if (unprintable !== undefined) fail(`its text ${unprintable}`);
  return { when: when as RuleInput['when'], url: value.url as string };
}

function parsedJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
}

/** `--rule '<json>'`, in the order given. */
export const rulesFromFlags = (flags: readonly string[]): RuleInput[] =>
  flags.map((flag, i) => ruleFrom(parsedJson(flag, `--rule ${i + 1}`), `--rule ${i + 1}`));

/** A JSON file holding a list of rules, as the API's `rules` takes them. */
export async function rulesFromFile(path: string): Promise<RuleInput[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileError('read', path, error);
  }
  const list = parsedJson(text, path);
  if (!Array.isArray(list)) throw new Error(`${path}: must hold a JSON list of rules, like [{"when": {"device": "mobile"}, "url": "https://…"}]`);
  return list.map((rule, i) => ruleFrom(rule, `${path}, rule ${i + 1}`));
}

/** `--variant <url>=<weight>`: the weight after the last `=` (a URL may hold `=` itself). */
export function variantFrom(flag: string): VariantInput {
  const at = flag.lastIndexOf('=');
  const weight = at < 0 ? '' : flag.slice(at + 1).trim();
  if (at < 1 || !/^\d+$/.test(weight)) throw new Error(`--variant must be <url>=<weight>, a whole number weight (got "${flag}")`);
  return { url: flag.slice(0, at), weight: Number(weight) };
}

/** The rules given by `--rule` or `--rules-file` (not both); undefined when none. */
export async function givenRules(flags: readonly string[], file: string | undefined): Promise<RuleInput[] | undefined> {
  if (file !== undefined && flags.length > 0) throw new Error('give rules with --rule or with --rules-file, not both');
  if (file !== undefined) return rulesFromFile(file);
  return flags.length > 0 ? rulesFromFlags(flags) : undefined;
}
