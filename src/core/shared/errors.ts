/** A field that failed validation, as reported to API clients. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Base of every error the domain raises on purpose; adapters map `kind` to a status. */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'not-found' | 'conflict' | 'gone' | 'unauthorized' | 'forbidden' | 'unavailable';
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/** The link exists but no longer redirects: disabled, expired or out of clicks. */
export class GoneError extends DomainError {
  readonly kind = 'gone';
  /** Where to send a visitor instead, if anywhere (a link's fallback URL). */
  constructor(message: string, readonly fallbackUrl: string | null = null) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** A dependency (the database) cannot serve right now; the client may retry. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}
