import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const base: Options = { allErrors: true, useDefaults: true, strict: false, removeAdditional: false };

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...base, ...options });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are JSON and must have the right types; query strings and paths are text and are coerced.
const bodies = makeAjv({ coerceTypes: false });
const texts = makeAjv({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodies : texts).compile(schema);

export function addSharedSchema(schema: object): void {
  const id = $idOf(schema);
  for (const ajv of [bodies, texts]) if (id && !ajv.getSchema(id)) ajv.addSchema(schema);
}

function $idOf(schema: object): string | undefined {
  return '$id' in schema && typeof schema.$id === 'string' ? schema.$id : undefined;
}
