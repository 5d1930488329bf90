import type { FieldError } from '../core/shared/errors.js';
import { unprintableProblem } from '../core/shared/text.js';

const MAX_DEPTH = 64;

/**
 * Every string in a request part (values and names, at any depth) held to the text rule, with the
 * field named as a client wrote it (`tags[2]`, `title`).
 */
export function unprintableTextErrors(value: unknown, path = '', depth = 0): FieldError[] {
  if (typeof value === 'string') {
    const problem = unprintableProblem(value);
    return problem === undefined ? [] : [{ field: path || 'request', message: problem }];
  }
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unprintableTextErrors(item, `${path}[${i}]`, depth + 1));
  return Object.entries(value).flatMap(([name, item]) => {
    const field = path === '' ? name : `${path}.${name}`;
    const problem = unprintableProblem(name);
    const own = problem === undefined ? [] : [{ field, message: `is a field name that ${problem}` }];
    return [...own, ...unprintableTextErrors(item, field, depth + 1)];
  });
}
