import type { ErrorObject } from 'ajv';
import type { FieldError } from '../core/shared/errors.js';

/**
 * Ajv's errors (compiled with `verbose`, so each carries the value and its schema) as one message
 * per field that says what was given and what is allowed: `redirectType: must be one of 301, 302,
 * 307, 308 (got 303)`, not Ajv's "must be equal to constant" / "must match a schema in anyOf".
 */
export function fieldErrorsOf(errors: readonly ErrorObject[], part: string): FieldError[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inAlternative = (e: ErrorObject) => alternatives.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const out: FieldError[] = [];
  for (const error of errors) {
    if (inAlternative(error)) continue;
    const field = fieldOf(error, part);
    const message = error.keyword === 'anyOf' || error.keyword === 'oneOf'
      ? alternativeMessage(error, errors.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`)), part)
      : messageOf(error);
    if (!out.some((e) => e.field === field && e.message === message)) out.push({ field, message });
  }
  return out;
}

/** The field as a client wrote it (`tags[2]`, `url`); a missing or unknown field by its own name. */
function fieldOf(error: ErrorObject, part: string): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.').replace(/~1/g, '/').replace(/~0/g, '~');
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  return [path, extra].filter(Boolean).join('.') || part;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const got = ` (got ${shown(error.data)})`;
  switch (error.keyword) {
    case 'required': return 'is required';
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return known.length > 0 ? `is not a known field; known fields: ${known.join(', ')}` : 'is not a known field';
    }
    case 'type': return `must be ${typeNames(String(params.type).split(','))}${got}`;
    case 'const': return `must be ${shown(params.allowedValue)}${got}`;
    case 'enum': return `must be one of ${(params.allowedValues as unknown[]).map(shown).join(', ')}${got}`;
    case 'minimum': return `must be at least ${String(params.limit)}${got}`;
    case 'maximum': return `must be at most ${String(params.limit)}${got}`;
    case 'exclusiveMinimum': return `must be more than ${String(params.limit)}${got}`;
    case 'exclusiveMaximum': return `must be less than ${String(params.limit)}${got}`;
    case 'minLength': return `must be at least ${String(params.limit)} characters (got ${lengthOf(error.data)})`;
    case 'maxLength': return `must be at most ${String(params.limit)} characters (got ${lengthOf(error.data)})`;
    case 'minItems': return `must have at least ${String(params.limit)} items (got ${lengthOf(error.data)})`;
    case 'maxItems': return `must have at most ${String(params.limit)} items (got ${lengthOf(error.data)})`;
    case 'format': return `must be ${String(params.format)}${got}`;
    case 'pattern': return `must match ${String(params.pattern)}${got}`;
    default: return `${error.message ?? 'is not valid'}${got}`;
  }
}

/**
 * A value that fits none of a union's branches: the values and types the branches allow, or, when
 * the value has the type of a branch, what that branch says about it (too long, out of range).
 */
function alternativeMessage(error: ErrorObject, branches: readonly ErrorObject[], part: string): string {
  const own = branches.filter((b) => b.instancePath === error.instancePath);
  const values: string[] = [];
  const types: string[] = [];
  for (const branch of own) {
    const params = branch.params as Record<string, unknown>;
    if (branch.keyword === 'const') values.push(shown(params.allowedValue));
    else if (branch.keyword === 'enum') values.push(...(params.allowedValues as unknown[]).map(shown));
    else if (branch.keyword === 'type') types.push(typeNames(String(params.type).split(',')));
  }
  const deeper = branches.filter((b) => !['const', 'enum', 'type', 'anyOf', 'oneOf'].includes(b.keyword));
  if (deeper.length > 0) return deeper.map((b) => (b.instancePath === error.instancePath ? messageOf(b) : `${fieldOf(b, part)} ${messageOf(b)}`)).join('; ');
  const got = ` (got ${shown(error.data)})`;
  if (values.length === 0 && types.length === 0) return `is not valid${got}`;
  const allowedValues = values.length === 0 ? [] : [`${values.length > 1 ? 'one of ' : ''}${[...new Set(values)].join(', ')}`];
  return `must be ${[...allowedValues, ...new Set(types)].join(' or ')}${got}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  object: 'an object', array: 'a list', null: 'null',
};

function typeNames(types: readonly string[]): string {
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
}

/** A value as a person would write it, cut short: messages echo what was given. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function lengthOf(value: unknown): string {
  if (typeof value === 'string') return `${[...value].length}`;
  if (Array.isArray(value)) return `${value.length}`;
  return shown(value);
}
