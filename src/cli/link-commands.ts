import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { PreviewInput } from '../core/links/link-input.js';
import type { LinkPreview } from '../core/links/link.js';
import { toLinkView } from '../core/links/link-view.js';
import { givenRules, variantFrom } from './targeting-options.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

/** The host a link lives on, for commands that take a code. */
export const DOMAIN_OPTION = ['--domain <host>', 'the host the link lives on (default: the base URL\'s host)'] as const;

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The flags `shorten` and `update` share: preview, targeting rules and A/B variants. */
interface DeliveryOptions {
  previewTitle?: string;
  previewDescription?: string;
  previewImage?: string;
  rule: string[];
  rulesFile?: string;
  variant: string[];
  json?: boolean;
}

interface ShortenOptions extends DeliveryOptions {
  code?: string;
  domain?: string;
  title?: string;
  tag: string[];
  fallbackUrl?: string;
  track: boolean;
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmTerm?: string;
  utmContent?: string;
}

interface UpdateOptions extends DeliveryOptions {
  domain?: string;
  url?: string;
  title?: string;
  tag?: string[];
  /** false: --no-fallback-url. */
  fallbackUrl?: string | false;
  /** undefined: neither --track nor --no-track. */
  track?: boolean;
  /** false: --no-preview, --no-rules, --no-variants. */
  preview?: boolean;
  rules?: boolean;
  variants?: boolean;
  disable?: boolean;
  enable?: boolean;
}

function deliveryFlags(command: Command): Command {
  return command
    .option('--preview-title <text>', 'title of the page shown to social networks\' crawlers (Open Graph)')
    .option('--preview-description <text>', 'description of that page')
    .option('--preview-image <url>', 'image of that page')
    .option('--rule <json>', 'a targeting rule, e.g. \'{"when":{"device":"mobile"},"url":"https://…"}\' (repeatable, in order)', collect, [])
    .option('--rules-file <file.json>', 'the targeting rules, a JSON list of rules')
    .option('--variant <url=weight>', 'an A/B variant and its weight, e.g. https://example.com/a=50 (repeatable)', collect, [])
    .option('--json', 'print the link as JSON');
}

/** The preview flags over `current` (update keeps what is not given); undefined when none is given. */
function previewOf(opts: DeliveryOptions, current: LinkPreview | null = null): PreviewInput | undefined {
  if (opts.previewTitle === undefined && opts.previewDescription === undefined && opts.previewImage === undefined) return undefined;
  return {
    title: opts.previewTitle ?? current?.title ?? '',
    description: opts.previewDescription ?? current?.description ?? null,
    image: opts.previewImage ?? current?.image ?? null,
  };
}

const variantsOf = (opts: DeliveryOptions) => (opts.variant.length > 0 ? opts.variant.map(variantFrom) : undefined);

export function registerLinkCommands(program: Command, config: Config): void {
  const shorten = program.command('shorten <url>').description('create a short link')
    .option('--code <code>', 'custom code')
    .option(...DOMAIN_OPTION)
    .option('--title <title>', 'title')
    .option('--tag <tag>', 'tag (repeatable)', collect, [])
    .option('--fallback-url <url>', 'where the link sends visitors once disabled, expired or used up')
    .option('--no-track', 'redirect without recording clicks')
    .option('--utm-source <value>', 'set utm_source in the target URL')
    .option('--utm-medium <value>', 'set utm_medium in the target URL')
    .option('--utm-campaign <value>', 'set utm_campaign in the target URL')
    .option('--utm-term <value>', 'set utm_term in the target URL')
    .option('--utm-content <value>', 'set utm_content in the target URL');
  deliveryFlags(shorten).action(async (url: string, opts: ShortenOptions) => {
    const utm = { source: opts.utmSource, medium: opts.utmMedium, campaign: opts.utmCampaign, term: opts.utmTerm, content: opts.utmContent };
    const rules = await givenRules(opts.rule, opts.rulesFile);
    const variants = variantsOf(opts);
    const link = await withLinkPulse(config, (lp) => lp.links.create({
      url, code: opts.code, domain: opts.domain, title: opts.title, tags: opts.tag, fallbackUrl: opts.fallbackUrl, track: opts.track, utm,
      preview: previewOf(opts), rules, variants,
    }));
    const view = toLinkView(link, config.baseUrl);
    if (opts.json) printJson(view);
    else process.stdout.write(`${view.shortUrl}\n`);
  });

  const update = program.command('update <code>').description('change a link: only the fields given')
    .option(...DOMAIN_OPTION)
    .option('--url <url>', 'target URL')
    .option('--title <title>', 'title')
    .option('--tag <tag>', 'tag (repeatable; replaces the tags)', collect)
    .option('--fallback-url <url>', 'where the link sends visitors once disabled, expired or used up')
    .option('--no-fallback-url', 'no fallback URL: a 410 (or the server\'s fallback) instead')
    .option('--track', 'record clicks again')
    .option('--no-track', 'redirect without recording clicks')
    .option('--no-preview', 'remove the social preview')
    .option('--no-rules', 'remove every targeting rule')
    .option('--no-variants', 'remove the A/B split')
    .option('--disable', 'stop redirecting')
    .option('--enable', 'redirect again');
  deliveryFlags(update).action(async (code: string, opts: UpdateOptions) => {
    if (opts.disable && opts.enable) throw new Error('give --disable or --enable, not both');
    const given = await givenRules(opts.rule, opts.rulesFile);
    if (opts.rules === false && given !== undefined) throw new Error('give rules or --no-rules, not both');
    const variants = variantsOf(opts);
    if (opts.variants === false && variants !== undefined) throw new Error('give --variant or --no-variants, not both');
    if (opts.preview === false && previewOf(opts) !== undefined) throw new Error('give preview flags or --no-preview, not both');
    const link = await withLinkPulse(config, async (lp) => {
      const key = lp.domains.key(code, opts.domain);
      const current = await lp.links.find(key);
      return lp.links.update(key, {
        url: opts.url,
        title: opts.title,
        tags: opts.tag,
        fallbackUrl: opts.fallbackUrl === false ? null : opts.fallbackUrl,
        track: opts.track,
        preview: opts.preview === false ? null : previewOf(opts, current.preview),
        rules: opts.rules === false ? [] : given,
        variants: opts.variants === false ? [] : variants,
        disabled: opts.disable ? true : opts.enable ? false : undefined,
      });
    });
    const view = toLinkView(link, config.baseUrl);
    if (opts.json) printJson(view);
    else process.stdout.write(`updated ${view.shortUrl}\n`);
  });

  program.command('links').description('list links, newest first')
    .option('--limit <n>', 'how many', (v) => parseLimit(v, 100), 50)
    .option('--search <text>', 'filter by code, URL or title')
    .option('--tag <tag>', 'filter by tag')
    .option('--domain <host>', 'only links on this host (the base URL\'s host: the default domain)')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; search?: string; tag?: string; domain?: string; json?: boolean }) => {
      const page = await withLinkPulse(config, (lp) => lp.links.list({ limit: opts.limit, search: opts.search, tag: opts.tag, domain: opts.domain }));
      const views = page.items.map((l) => toLinkView(l, config.baseUrl));
      if (opts.json) return printJson(views);
      printTable([['CODE', 'CLICKS', 'CREATED', 'URL', 'DOMAIN'], ...views.map((v) => [v.code, v.clicks, v.createdAt.slice(0, 16), v.url, v.domain])]);
    });
}

export function parseLimit(value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--limit must be a whole number from 1 to ${max}`);
  return n;
}
