import { DomainError, type FieldError } from '../../core/shared/errors.js';

/** A problem document as Shlink writes it: its own `type` URLs and titles, and extra members. */
export interface ShlinkProblem {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly status: number;
  readonly [extra: string]: unknown;
}

const TYPE_BASE = 'https://shlink.io/api/error/';

/** An error a Shlink route answers with as it is. */
export class ShlinkError extends Error {
  constructor(readonly problem: ShlinkProblem) {
    super(problem.detail);
  }
}

export const shlinkProblems = {
  invalidData: (invalidElements: readonly string[], detail = 'Provided data is not valid'): ShlinkProblem =>
    ({ type: `${TYPE_BASE}invalid-data`, title: 'Invalid data', detail, status: 400, invalidElements: [...new Set(invalidElements)] }),
  shortUrlNotFound: (shortCode: string, domain?: string): ShlinkProblem => ({
    type: `${TYPE_BASE}short-url-not-found`, title: 'Short URL not found', status: 404,
    detail: `No URL found with short code "${shortCode}"${domain === undefined ? '' : ` for domain "${domain}"`}`,
    shortCode, ...(domain !== undefined && { domain }),
  }),
  nonUniqueSlug: (customSlug: string): ShlinkProblem =>
    ({ type: `${TYPE_BASE}non-unique-slug`, title: 'Invalid custom slug', detail: `Provided slug "${customSlug}" is already in use.`, status: 400, customSlug }),
  missingAuthentication: (): ShlinkProblem => ({
    type: `${TYPE_BASE}missing-authentication`, title: 'Invalid authorization', status: 401,
    detail: 'Expected one of the following authentication headers, ["X-Api-Key"], but none were provided',
  }),
  invalidApiKey: (): ShlinkProblem =>
    ({ type: `${TYPE_BASE}invalid-api-key`, title: 'Invalid API key', detail: 'Provided API key does not exist or is invalid.', status: 401 }),
  forbidden: (detail: string): ShlinkProblem => ({ type: `${TYPE_BASE}forbidden-operation`, title: 'Forbidden operation', detail, status: 403 }),
  notFound: (detail: string): ShlinkProblem => ({ type: `${TYPE_BASE}not-found`, title: 'Not found', detail, status: 404 }),
  other: (status: number, title: string, detail: string): ShlinkProblem => ({ type: `${TYPE_BASE}${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, detail, status }),
};

// LinkPulse's names of a link's fields, as Shlink names them.
const SHLINK_FIELDS: Readonly<Record<string, string>> = {
  url: 'longUrl', code: 'customSlug', expiresAt: 'validUntil', maxClicks: 'maxVisits', title: 'title', tags: 'tags',
  from: 'startDate', to: 'endDate',
};

/** A field error's field as Shlink's `invalidElements` names it (`tags[2]` is `tags`). */
export function shlinkField(field: string): string {
  const head = field.split(/[.[]/)[0] ?? field;
  return SHLINK_FIELDS[head] ?? head;
}

/** The Shlink problem a domain error stands for (a missing short URL is the route's to say). */
export function shlinkProblemOf(error: DomainError): ShlinkProblem {
  const errors: readonly FieldError[] = 'errors' in error ? (error.errors as FieldError[]) : [];
  switch (error.kind) {
    case 'invalid': return shlinkProblems.invalidData(errors.map((e) => shlinkField(e.field)), error.message);
    case 'not-found': return shlinkProblems.notFound(error.message);
    case 'unauthorized': return shlinkProblems.invalidApiKey();
    case 'forbidden': return shlinkProblems.forbidden(error.message);
    case 'conflict': return shlinkProblems.other(409, 'Conflict', error.message);
    case 'gone': return shlinkProblems.other(410, 'Gone', error.message);
    case 'unavailable': return shlinkProblems.other(503, 'Service unavailable', error.message);
  }
}
