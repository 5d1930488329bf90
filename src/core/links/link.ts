import type { TargetRule, Variant } from './target-rule.js';

export const REDIRECT_TYPES = [301, 302, 307, 308] as const;
export type RedirectType = (typeof REDIRECT_TYPES)[number];

/** A short link as the domain sees it. Times are epoch milliseconds. */
export interface Link {
  readonly id: number;
  readonly code: string;
  /** The host the link lives on; '' the default domain (DEFAULT_DOMAIN). */
  readonly domain: string;
  readonly url: string;
  readonly title: string | null;
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number | null;
  readonly maxClicks: number | null;
  readonly redirectType: RedirectType;
  readonly disabled: boolean;
  readonly passwordHash: string | null;
  /** Where a disabled, expired or used-up link sends visitors instead of a 410. */
  readonly fallbackUrl: string | null;
  /** false: redirects without recording a click. */
  readonly track: boolean;
  /** What social networks' crawlers are shown (Open Graph), instead of being redirected. */
  readonly preview: LinkPreview | null;
  /** Targeting: the first rule whose conditions hold picks the target. */
  readonly rules: readonly TargetRule[];
  /** An A/B split of the rest, sticky for a visitor for the day; none: `url`. */
  readonly variants: readonly Variant[];
  readonly clicks: number;
}

export interface LinkPreview {
  readonly title: string;
  readonly description: string | null;
  readonly image: string | null;
}

export type NewLink = Omit<Link, 'id' | 'clicks'>;

export type LinkChanges = Partial<
  Pick<Link, 'url' | 'title' | 'tags' | 'expiresAt' | 'maxClicks' | 'redirectType' | 'disabled' | 'passwordHash' | 'fallbackUrl' | 'track' | 'preview' | 'rules' | 'variants'>
> & { readonly updatedAt: number };

export type RedirectRefusal = 'disabled' | 'expired' | 'exhausted';

/** Why a link may not redirect right now, if it may not. */
export function redirectRefusal(link: Link, now: number): RedirectRefusal | undefined {
  if (link.disabled) return 'disabled';
  if (link.expiresAt !== null && link.expiresAt <= now) return 'expired';
  if (link.maxClicks !== null && link.clicks >= link.maxClicks) return 'exhausted';
  return undefined;
}
