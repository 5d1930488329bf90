import type { FieldErrors } from '../shared/field-errors.js';
import { unprintableProblem } from '../shared/text.js';
import { REDIRECT_TYPES, type LinkPreview, type RedirectType } from './link.js';
import type { UtmInput } from './utm.js';
import type { RuleInput, VariantInput } from './targeting-input.js';

/** What a client may send to create a link. Shapes are checked by the adapters; rules here. */
export interface CreateLinkInput {
  readonly url: string;
  readonly code?: string | undefined;
  /** The host the link lives on; none (or the base URL's host): the default domain. */
  readonly domain?: string | undefined;
  readonly title?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly expiresAt?: string | null | undefined;
  readonly maxClicks?: number | null | undefined;
  readonly redirectType?: number | undefined;
  readonly password?: string | null | undefined;
  readonly fallbackUrl?: string | null | undefined;
  readonly track?: boolean | undefined;
  /** Campaign tags merged into `url`. */
  readonly utm?: UtmInput | undefined;
  readonly preview?: PreviewInput | null | undefined;
  readonly rules?: readonly RuleInput[] | undefined;
  readonly variants?: readonly VariantInput[] | undefined;
}

export interface PreviewInput {
  readonly title: string;
  readonly description?: string | null | undefined;
  readonly image?: string | null | undefined;
}

/** Fields a client may change; `null` clears an optional field. */
export interface UpdateLinkInput {
  readonly url?: string | undefined;
  readonly title?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly expiresAt?: string | null | undefined;
  readonly maxClicks?: number | null | undefined;
  readonly redirectType?: number | undefined;
  readonly disabled?: boolean | undefined;
  readonly password?: string | null | undefined;
  readonly fallbackUrl?: string | null | undefined;
  readonly track?: boolean | undefined;
  readonly preview?: PreviewInput | null | undefined;
  readonly rules?: readonly RuleInput[] | undefined;
  readonly variants?: readonly VariantInput[] | undefined;
}

export const MAX_TITLE_LENGTH = 500;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
export const MAX_PASSWORD_LENGTH = 200;

export function checkTitle(title: string | null, errors: FieldErrors): string | null {
  if (title === null) return null;
  const trimmed = title.trim();
  if (trimmed.length > MAX_TITLE_LENGTH) errors.add('title', `must be at most ${MAX_TITLE_LENGTH} characters`);
  const unprintable = unprintableProblem(trimmed);
  if (unprintable !== undefined) errors.add('title', unprintable);
  return trimmed === '' ? null : trimmed;
}

export function checkTags(tags: readonly string[], errors: FieldErrors): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim()))];
  if (unique.length > MAX_TAGS) errors.add('tags', `at most ${MAX_TAGS} tags`);
  for (const tag of unique) {
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      errors.add('tags', `each tag must be 1-${MAX_TAG_LENGTH} characters`);
      break;
    }
  }
  const unprintable = unique.map(unprintableProblem).find((problem) => problem !== undefined);
  if (unprintable !== undefined) errors.add('tags', unprintable);
  return unique;
}

/** Accepts ISO 8601 date-times with an explicit zone; answers epoch ms. */
export function checkExpiry(value: string | null, now: number, errors: FieldErrors, mustBeFuture: boolean): number | null {
  if (value === null) return null;
  const ms = parseInstant(value);
  if (ms === undefined) {
    errors.add('expiresAt', 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T12:00:00Z');
    return null;
  }
  if (mustBeFuture && ms <= now) errors.add('expiresAt', 'must be in the future');
  return ms;
}

export function checkMaxClicks(value: number | null, errors: FieldErrors): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 1) errors.add('maxClicks', 'must be a whole number of at least 1');
  return value;
}

export function checkRedirectType(value: number, errors: FieldErrors): RedirectType {
  if (!(REDIRECT_TYPES as readonly number[]).includes(value)) {
    errors.add('redirectType', `must be one of ${REDIRECT_TYPES.join(', ')}`);
    return 302;
  }
  return value as RedirectType;
}

const MAX_PREVIEW_TITLE = 300;
const MAX_PREVIEW_DESCRIPTION = 1000;

/** A preview's texts, trimmed and printable; its image an http(s) URL (checked by `checkUrl`). */
export function checkPreview(input: PreviewInput | null, errors: FieldErrors, checkUrl: (url: string) => string | undefined): LinkPreview | null {
  if (input === null) return null;
  const text = (field: string, value: string, max: number, required: boolean): string | null => {
    const trimmed = value.trim();
    if (required && trimmed === '') errors.add(field, 'must not be empty');
    if (trimmed.length > max) errors.add(field, `must be at most ${max} characters`);
    const unprintable = unprintableProblem(trimmed);
    if (unprintable !== undefined) errors.add(field, unprintable);
    return trimmed === '' ? null : trimmed;
  };
  const title = text('preview.title', input.title, MAX_PREVIEW_TITLE, true) ?? '';
  const description = input.description == null ? null : text('preview.description', input.description, MAX_PREVIEW_DESCRIPTION, false);
  const image = input.image == null ? null : checkUrl(input.image) ?? null;
  return { title, description, image };
}

export function checkPassword(value: string, errors: FieldErrors): string {
  if (value.length < 1 || value.length > MAX_PASSWORD_LENGTH) {
    errors.add('password', `must be 1-${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an ISO 8601 instant (date-time with zone); undefined when it is not one. */
export function parseInstant(value: string): number | undefined {
  if (!ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
