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

  constructor(private readonly salts: SaltStore, private readonly clock: Clock) {}

  async visitorId(ip: string, userAgent: string): Promise<string> {
    const salt = await this.saltOfToday();
    return createHmac('sha256', salt).update(ip).update('\n').update(userAgent).digest('base64url').slice(0, 22);
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

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
