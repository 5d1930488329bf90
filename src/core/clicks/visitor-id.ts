import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { SaltStore } from './click-store.js';

const DAY_MS = 86_400_000;

/**
 * Visitor ids are HMACs of IP and user agent under a random salt of the UTC day.
 * Salts are deleted after 48 hours, after which no id can be linked back to an IP.
 */
export class VisitorIdentifier {
  private current: { dayStart: number; salt: Promise<string> } | undefined;
  /** Salts of other days than today, asked for by imports of past visits. */
  private readonly pastSalts = new Map<string, Promise<string>>();

  constructor(private readonly salts: SaltStore, private readonly clock: Clock) {}

  async visitorId(ip: string, userAgent: string): Promise<string> {
    return hashVisitor(await this.saltOfToday(), ip, userAgent);
  }

  /**
   * The visitor id of a visit at `at` (an imported one), under the salt of its UTC day: the one live
   * clicks use if the day still has it, else a new one, deleted by forgetPastSalts.
   */
  async visitorIdAt(at: number, ip: string, userAgent: string): Promise<string> {
    const day = utcDay(at);
    if (day === utcDay(this.clock.now())) return this.visitorId(ip, userAgent);
    let salt = this.pastSalts.get(day);
    if (salt === undefined) {
      this.pastSalts.set(day, (salt = this.salts.saltForDay(day, randomBytes(32).toString('base64url'))));
      salt.catch(() => this.pastSalts.delete(day));
    }
    return hashVisitor(await salt, ip, userAgent);
  }

  /** Deletes the salts of days before yesterday (visitorIdAt's too): their ids can no longer be linked to an IP. */
  async forgetPastSalts(): Promise<void> {
    this.pastSalts.clear();
    await this.salts.deleteBefore(utcDay(this.clock.now() - DAY_MS));
  }

  private saltOfToday(): Promise<string> {
    const now = this.clock.now();
    const current = this.current;
    if (current && now >= current.dayStart && now < current.dayStart + DAY_MS) return current.salt;
    const day = utcDay(now);
    const salt = this.rotate(day, now);
    this.current = { dayStart: Date.parse(`${day}T00:00:00Z`), salt };
    // A failed read must not stick: the next click tries again.
    salt.catch(() => {
      if (this.current?.salt === salt) this.current = undefined;
    });
    return salt;
  }

  private async rotate(day: string, now: number): Promise<string> {
    const salt = await this.salts.saltForDay(day, randomBytes(32).toString('base64url'));
    await this.salts.deleteBefore(utcDay(now - DAY_MS));
    return salt;
  }
}

function hashVisitor(salt: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt).update(ip).update('\n').update(userAgent).digest('base64url').slice(0, 22);
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
