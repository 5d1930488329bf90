import type { Command } from 'commander';
import type { Config } from '../config.js';
import { toLinkView } from '../core/links/link-view.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface ShortenOptions {
  code?: string;
  title?: string;
  tag: string[];
  fallbackUrl?: string;
  track: boolean;
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmTerm?: string;
  utmContent?: string;
  json?: boolean;
}

export function registerLinkCommands(program: Command, config: Config): void {
  program.command('shorten <url>').description('create a short link')
    .option('--code <code>', 'custom code')
    .option('--title <title>', 'title')
    .option('--tag <tag>', 'tag (repeatable)', collect, [])
    .option('--fallback-url <url>', 'where the link sends visitors once disabled, expired or used up')
    .option('--no-track', 'redirect without recording clicks')
    .option('--utm-source <value>', 'set utm_source in the target URL')
    .option('--utm-medium <value>', 'set utm_medium in the target URL')
    .option('--utm-campaign <value>', 'set utm_campaign in the target URL')
    .option('--utm-term <value>', 'set utm_term in the target URL')
    .option('--utm-content <value>', 'set utm_content in the target URL')
    .option('--json', 'print the link as JSON')
    .action(async (url: string, opts: ShortenOptions) => {
      const utm = { source: opts.utmSource, medium: opts.utmMedium, campaign: opts.utmCampaign, term: opts.utmTerm, content: opts.utmContent };
      const link = await withLinkPulse(config, (lp) => lp.links.create({
        url, code: opts.code, title: opts.title, tags: opts.tag, fallbackUrl: opts.fallbackUrl, track: opts.track, utm,
      }));
      const view = toLinkView(link, config.baseUrl);
      if (opts.json) printJson(view);
      else process.stdout.write(`${view.shortUrl}\n`);
    });

  program.command('links').description('list links, newest first')
    .option('--limit <n>', 'how many', (v) => parseLimit(v, 100), 50)
    .option('--search <text>', 'filter by code, URL or title')
    .option('--tag <tag>', 'filter by tag')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; search?: string; tag?: string; json?: boolean }) => {
      const page = await withLinkPulse(config, (lp) => lp.links.list({ limit: opts.limit, search: opts.search, tag: opts.tag }));
      const views = page.items.map((l) => toLinkView(l, config.baseUrl));
      if (opts.json) return printJson(views);
      printTable([['CODE', 'CLICKS', 'CREATED', 'URL'], ...views.map((v) => [v.code, v.clicks, v.createdAt.slice(0, 16), v.url])]);
    });
}

export function parseLimit(value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--limit must be a whole number from 1 to ${max}`);
  return n;
}
