import { ValidationError } from '../shared/errors.js';
import { randomBase62 } from '../shared/random-text.js';

export const GENERATED_CODE_LENGTH = 7;
export const CUSTOM_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Paths the service itself owns; compared case-insensitively so `/API` cannot shadow `/api`. */
export const RESERVED_CODES: ReadonlySet<string> = new Set([
  'api', 'dashboard', 'healthz', 'readyz', 'metrics', 'assets', 'favicon.ico', 'robots.txt',
]);

/** 7 characters of [0-9A-Za-z] from a cryptographic RNG. */
export function generateCode(): string {
  return randomBase62(GENERATED_CODE_LENGTH);
}

export function isReservedCode(code: string): boolean {
  return RESERVED_CODES.has(code.toLowerCase());
}

/** A code that could belong to a link at all: used to 404 early on odd paths. */
export function isPossibleCode(code: string): boolean {
  return CUSTOM_CODE_PATTERN.test(code);
}

export function assertValidCustomCode(code: string): void {
  if (!CUSTOM_CODE_PATTERN.test(code)) {
    throw ValidationError.field('code', 'must be 1-64 characters of A-Z a-z 0-9 _ -');
  }
  if (isReservedCode(code)) throw ValidationError.field('code', `"${code}" is reserved`);
}
