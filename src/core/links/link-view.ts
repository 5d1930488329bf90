import type { Link, LinkPreview, RedirectType } from './link.js';
import type { TargetRule, Variant } from './target-rule.js';
import { DEFAULT_DOMAIN, hostOfDomain } from './link-key.js';

/** The public shape of a link (CONTRACT.md), shared by the API and the CLI. */
export interface LinkView {
  code: string;
  /** The host the link lives on. */
  domain: string;
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
    domain: hostOfDomain(link.domain, new URL(baseUrl).host),
    shortUrl: shortUrlOf(link, baseUrl),
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

/** The link's short URL: on the base URL for the default domain, else on its host with the base URL's scheme. */
export function shortUrlOf(link: Pick<Link, 'code' | 'domain'>, baseUrl: string): string {
  return link.domain === DEFAULT_DOMAIN ? `${baseUrl}/${link.code}` : `${new URL(baseUrl).protocol}//${link.domain}/${link.code}`;
}
