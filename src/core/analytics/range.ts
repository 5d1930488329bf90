import type { BotFilter } from '../clicks/click-store.js';
import { ValidationError } from '../shared/errors.js';
import { parseInstant } from '../links/link-input.js';
import { instantOf, isValidTimeZone } from './time-zone.js';

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const BOT_FILTERS: readonly BotFilter[] = ['include', 'exclude', 'only'];

/** An ISO 8601 instant, or a plain date meaning local midnight in `tz`. */
export function parseTimeParam(field: string, value: string, tz: string): number {
  const date = PLAIN_DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day) {
      return instantOf({ year, month, day, hour: 0, minute: 0 }, tz);
    }
  }
  const ms = parseInstant(value);
  if (ms === undefined) throw ValidationError.field(field, 'must be an ISO 8601 date-time with zone, or a date YYYY-MM-DD');
  return ms;
}

/** The zone's IANA name as IANA spells it (`europe/berlin` is `Europe/Berlin`). */
export function checkTimeZone(tz: string): string {
  if (!isValidTimeZone(tz)) throw ValidationError.field('tz', `"${tz}" is not an IANA time zone`);
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  if (resolved.toLowerCase() === tz.toLowerCase()) return resolved;
  // ICU answers some zones by an older alias (Asia/Kathmandu: Asia/Katmandu): keep the name asked
  // for, in IANA's usual case where the case was off.
  const titled = tz.replace(/[^/_-]+/g, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());
  return titled !== tz && isValidTimeZone(titled) && new Intl.DateTimeFormat('en-US', { timeZone: titled }).resolvedOptions().timeZone === resolved ? titled : tz;
}

export function checkBots(value: string): BotFilter {
  if (!(BOT_FILTERS as readonly string[]).includes(value)) throw ValidationError.field('bots', 'must be include, exclude or only');
  return value as BotFilter;
}

