import type { FieldErrors } from '../shared/field-errors.js';
import { unprintableProblem } from '../shared/text.js';

/** Campaign tags to add to a link's target URL when it is created (a UTM builder). */
export interface UtmInput {
  readonly source?: string | undefined;
  readonly medium?: string | undefined;
  readonly campaign?: string | undefined;
  readonly term?: string | undefined;
  readonly content?: string | undefined;
}

const TAGS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
// Clicks keep at most this much of a tag (campaign.ts): a longer one would be cut in every report.
const MAX_UTM_LENGTH = 255;

/** `url` with `utm_<tag>` set for each tag given (replacing one the URL already had). */
export function withUtm(url: string, utm: UtmInput, errors: FieldErrors): string {
  const target = new URL(url);
  for (const tag of TAGS) {
    const value = utm[tag]?.trim();
    if (value === undefined || value === '') continue;
    const problem = value.length > MAX_UTM_LENGTH ? `must be at most ${MAX_UTM_LENGTH} characters` : unprintableProblem(value);
    if (problem !== undefined) errors.add(`utm.${tag}`, problem);
    else target.searchParams.set(`utm_${tag}`, value);
  }
  return target.href;
}
