import type { Clock } from './clock.js';

/** Where an incident's two lines go (pino's logger fits). */
export interface IncidentLog {
  error(details: object, message: string): void;
  info(details: object, message: string): void;
}

// An incident ends with a success this long after its last failure: on a full disk, a small write
// may still fit now and then while the next large one fails.
const CALM_MS = 5000;

/**
 * A fault that repeats (the database refusing writes: a full disk, a lost server) as one incident:
 * a line when it begins and one when it ends, however many requests it fails meanwhile.
 */
export class Incident {
  private open: { readonly since: number; readonly reason: string; failures: number; lastFailure: number } | undefined;

  constructor(
    /** What fails, for the log and for /readyz: "database operations". */
    private readonly what: string,
    private readonly log: IncidentLog,
    private readonly clock: Clock,
    /** An error said for the log and /readyz (by default its message). */
    private readonly describe: (error: unknown) => string = (error) => (error instanceof Error ? error.message : String(error)),
  ) {}

  failed(error: unknown): void {
    const now = this.clock.now();
    if (this.open) {
      this.open.failures++;
      this.open.lastFailure = now;
      return;
    }
    const reason = this.describe(error);
    this.open = { since: now, reason, failures: 1, lastFailure: now };
    this.log.error({ err: error }, `${this.what} failing: ${reason} (logged once until they succeed again)`);
  }

  succeeded(): void {
    if (!this.open || this.clock.now() - this.open.lastFailure < CALM_MS) return;
    const { since, failures } = this.open;
    this.open = undefined;
    this.log.info({ failures, seconds: Math.round((this.clock.now() - since) / 1000) }, `${this.what} succeed again`);
  }

  /** What is failing, since when; undefined when nothing is. */
  get current(): { readonly since: number; readonly reason: string } | undefined {
    return this.open;
  }
}
