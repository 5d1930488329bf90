import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { ValidationError, type FieldError } from '../core/shared/errors.js';
import { fieldErrorsOf } from './validation-messages.js';
import { unprintableTextErrors } from './unprintable-text.js';

// verbose: errors carry the value and the schema, so messages can say what was given and what is allowed.
const base: Options = { allErrors: true, useDefaults: true, strict: false, removeAdditional: false, verbose: true };

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...base, ...options });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are JSON and must have the right types; query strings and paths are text and are coerced.
const bodies = makeAjv({ coerceTypes: false });
const texts = makeAjv({ coerceTypes: 'array' });

type CheckedValidator = ((data: unknown) => boolean | { error: ValidationError }) & { errors?: ErrorObject[] | null };

/**
 * Every part of every request with a schema passes here, so this is the one place text that no
 * database can keep (U+0000, other control characters, lone surrogates) is refused, as a 422.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  refusingUnprintableText(() => (httpPart === 'body' ? bodies : texts).compile(schema));

/** `compile` runs on the route's first request: compiling every route's schemas up front doubled a server's start. */
function refusingUnprintableText(compile: () => ValidateFunction): CheckedValidator {
  let validate: ValidateFunction | undefined;
  const checked: CheckedValidator = (data) => {
    const unprintable = unprintableTextErrors(data);
    if (unprintable.length > 0) return { error: new ValidationError(unprintable) };
    validate ??= compile();
    const valid = validate(data);
    checked.errors = validate.errors;
    return valid;
  };
  return checked;
}

/**
 * Checks one JSON value against `schema` as a request body would be (for a batch, whose items
 * are each accepted or refused on their own); answers the fields at fault, none when it passes.
 */
export function bodyChecker(schema: object): (data: unknown) => FieldError[] {
  const validate = bodies.compile(schema);
  return (data) => {
    const unprintable = unprintableTextErrors(data);
    if (unprintable.length > 0) return unprintable;
    return validate(data) ? [] : fieldErrorsOf(validate.errors ?? [], 'body');
  };
}

export function addSharedSchema(schema: object): void {
  const id = $idOf(schema);
  for (const ajv of [bodies, texts]) if (id && !ajv.getSchema(id)) ajv.addSchema(schema);
}

function $idOf(schema: object): string | undefined {
  return '$id' in schema && typeof schema.$id === 'string' ? schema.$id : undefined;
}
