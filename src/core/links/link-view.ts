import type { Link, LinkPreview, RedirectType } from './link.js';
import type { TargetRule, Variant } from './target-rule.js';

/** The public shape of a link (CONTRACT.md), shared by the API and the CLI. */
export interface LinkView {
  code: string;
  shortUrl: string;
  url: string;
  title: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  maxClicks: number | null;
  redirectType: RedirectType;
  disabled: boolean;
  hasPassword: boolean;
  fallbackUrl: string | null;
  track: boolean;
  preview: LinkPreview | null;
  rules: RuleView[];
  variants: Variant[];
  clicks: number;
}

/** A rule as the API shows it: times as ISO 8601. */
export interface RuleView {
  when: Omit<TargetRule['when'], 'after' | 'before'> & { after?: string; before?: string };
  url: string;
}

export function toLinkView(link: Link, baseUrl: string): LinkView {
  return {
    code: link.code,
    shortUrl: `${baseUrl}/${link.code}`,
    url: link.url,
    title: link.title,
    tags: [...link.tags],
    createdAt: new Date(link.createdAt).toISOString(),
    updatedAt: new Date(link.updatedAt).toISOString(),
    expiresAt: link.expiresAt === null ? null : new Date(link.expiresAt).toISOString(),
    maxClicks: link.maxClicks,
    redirectType: link.redirectType,
    disabled: link.disabled,
    hasPassword: link.passwordHash !== null,
    fallbackUrl: link.fallbackUrl,
    track: link.track,
    preview: link.preview,
    rules: link.rules.map(({ url, when: { after, before, ...when } }) => ({
      url,
      when: {
        ...when,
        ...(after !== undefined && { after: new Date(after).toISOString() }),
        ...(before !== undefined && { before: new Date(before).toISOString() }),
      },
    })),
    variants: link.variants.map((v) => ({ ...v })),
    clicks: link.clicks,
  };
}
