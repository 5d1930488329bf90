import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { DIMENSIONS } from '../core/analytics/analytics-store.js';
import { NONE } from '../core/analytics/filters.js';
import { FileError, openForWriting } from './files.js';
import { DOMAIN_OPTION, parseLimit } from './link-commands.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

export function registerReportCommands(program: Command, config: Config): void {
  program.command('stats <code>').description('analytics report of a link')
    .option('--from <time>', 'start (ISO 8601 or YYYY-MM-DD)')
    .option('--to <time>', 'end (ISO 8601 or YYYY-MM-DD)')
    .option('--interval <interval>', 'minute, hour, day, week or month')
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option(...DOMAIN_OPTION)
    .option(...FILTER_OPTION)
    .option(...BOTS_OPTION)
    .option('--limit <n>', 'entries per breakdown (1-1000)')
    .option('--compare <period>', 'previous or year: the earlier period beside this one')
    .option('--json', 'print the whole report as JSON')
    .action(async (code: string, opts: ReportOptions & { from?: string; to?: string; interval?: string; tz: string; limit?: string; compare?: string; json?: boolean }) => {
      const { filter, json, domain, ...params } = opts;
      const report = await withLinkPulse(config, (lp) => lp.stats.forLink(lp.domains.key(code, domain), { ...params, ...filterParams(filter) }));
      if (json) return printJson(report);
      const { totals, previous } = report;
      process.stdout.write(`${code}: ${totals.clicks} clicks (${totals.humanClicks} human, ${totals.botClicks} bot), `
        + `${totals.uniqueVisitors} unique visitors, ${report.from} → ${report.to}\n`);
      if (previous) {
        process.stdout.write(`before: ${previous.totals.clicks} clicks, ${previous.totals.uniqueVisitors} unique visitors, ${previous.from} → ${previous.to}\n`);
      }
      const filters = Object.entries(report.filters).map(([dimension, values]) => `${dimension}=${values.join(',')}`).join(' ');
      if (filters) process.stdout.write(`filters: ${filters}\n`);
      process.stdout.write('\n');
      printTable([['BUCKET', 'CLICKS', 'VISITORS'], ...report.timeseries.filter((b) => b.clicks > 0).map((b) => [b.t, b.clicks, b.uniqueVisitors])]);
      for (const dimension of DIMENSIONS) {
        const top = report[dimension].slice(0, 5).map((k) => `${k.key ?? NONE} ${k.clicks}`).join(', ');
        process.stdout.write(`${dimension.padEnd(12)} ${top || '-'}\n`);
      }
    });

  program.command('clicks <code>').description('the latest clicks of a link')
    .option('--limit <n>', 'how many', (v) => parseLimit(v, 1000), 20)
    .option(...DOMAIN_OPTION)
    .option(...FILTER_OPTION)
    .option(...BOTS_OPTION)
    .option('--json', 'print JSON')
    .action(async (code: string, opts: ReportOptions & { limit: number; json?: boolean }) => {
      const page = await withLinkPulse(config, (lp) => lp.clickQueries.page(lp.domains.key(code, opts.domain), { limit: opts.limit, bots: opts.bots, ...filterParams(opts.filter) }));
      if (opts.json) return printJson(page.items);
      printTable([['TIME', 'IP', 'COUNTRY', 'BROWSER', 'OS', 'DEVICE', 'REFERRER'],
        ...page.items.map((c) => [c.at, c.ip, c.country, c.browser, c.os, c.device, c.referrerHost])]);
    });

  program.command('export <code>').description('every click of a link as CSV or NDJSON')
    .requiredOption('--format <format>', 'csv or ndjson')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--from <time>', 'start')
    .option('--to <time>', 'end')
    .option(...DOMAIN_OPTION)
    .option(...FILTER_OPTION)
    .option(...BOTS_OPTION)
    .action(async (code: string, opts: ReportOptions & { format: string; out?: string; from?: string; to?: string }) => {
      const format = opts.format;
      if (format !== 'csv' && format !== 'ndjson') throw new Error('--format must be csv or ndjson');
      await withLinkPulse(config, async (lp) => {
        const { chunks } = await lp.clickQueries.export(lp.domains.key(code, opts.domain), { from: opts.from, to: opts.to, bots: opts.bots, ...filterParams(opts.filter) }, format);
        if (opts.out === undefined) {
          for await (const chunk of chunks) await write(process.stdout, chunk);
          return;
        }
        const out = await openForWriting(opts.out);
        await pipeline(Readable.from(chunks), out).catch((error: unknown) => {
          // A failed system call is the file's; anything else (the database) is said as it is.
          throw (error as NodeJS.ErrnoException).syscall === undefined ? error : new FileError('write', opts.out as string, error);
        });
      });
    });
}

export interface ReportOptions {
  readonly filter: string[];
  /** The host the link lives on. */
  readonly domain?: string;
  readonly bots?: string;
}

export const FILTER_OPTION = [
  '--filter <dimension=values>',
  'only clicks where dimension is one of the comma-separated values (`!` before them: none of them; `(none)`: no value); repeat for more dimensions',
  (value: string, previous: string[]) => [...previous, value],
  [] as string[],
] as const;
export const BOTS_OPTION = ['--bots <bots>', 'include, exclude or only'] as const;

/** `--filter country=DE,FR --filter device=mobile` as the API's query parameters. */
export function filterParams(filters: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const filter of filters) {
    const at = filter.indexOf('=');
    if (at <= 0) throw new Error(`--filter ${filter}: write dimension=values, e.g. --filter country=DE,FR`);
    const dimension = filter.slice(0, at);
    if (dimension in params) throw new Error(`--filter ${dimension} is given twice: put its values in one list`);
    params[dimension] = filter.slice(at + 1);
  }
  return params;
}

/** Writes with backpressure, so a million rows never pile up in memory. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
