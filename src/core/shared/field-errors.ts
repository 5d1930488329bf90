import { ValidationError, type FieldError } from './errors.js';

/** Collects field errors so a client learns every problem in one answer. */
export class FieldErrors {
  private readonly errors: FieldError[] = [];
  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }
  /** Runs `check`, turning a ValidationError into collected field errors. */
  attempt<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.errors.push(...error.errors);
      return undefined;
    }
  }
  /** `attempt` for a check that must wait (on storage). */
  async attemptAsync<T>(check: () => Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.errors.push(...error.errors);
      return undefined;
    }
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationError(this.errors);
  }
}
