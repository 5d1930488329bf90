import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { parseLimit } from './link-commands.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

export function registerReportCommands(program: Command, config: Config): void {
  program.command('stats <code>').description('analytics report of a link')
    .option('--from <time>', 'start (ISO 8601 or YYYY-MM-DD)')
    .option('--to <time>', 'end (ISO 8601 or YYYY-MM-DD)')
    .option('--interval <interval>', 'minute, hour, day, week or month')
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option('--json', 'print the whole report as JSON')
    .action(async (code: string, opts: { from?: string; to?: string; interval?: string; tz: string; json?: boolean }) => {
      const report = await withLinkPulse(config, (lp) => lp.stats.forLink(code, opts));
      if (opts.json) return printJson(report);
      const { totals } = report;
      process.stdout.write(`${code}: ${totals.clicks} clicks (${totals.humanClicks} human, ${totals.botClicks} bot), `
        + `${totals.uniqueVisitors} unique visitors, ${report.from} → ${report.to}\n\n`);
      printTable([['BUCKET', 'CLICKS', 'VISITORS'], ...report.timeseries.filter((b) => b.clicks > 0).map((b) => [b.t, b.clicks, b.uniqueVisitors])]);
      for (const dimension of ['countries', 'referrers', 'browsers', 'os', 'devices', 'languages'] as const) {
        const top = report[dimension].slice(0, 5).map((k) => `${k.key ?? '(none)'} ${k.clicks}`).join(', ');
        process.stdout.write(`${dimension.padEnd(10)} ${top || '-'}\n`);
      }
    });

  program.command('clicks <code>').description('the latest clicks of a link')
    .option('--limit <n>', 'how many', (v) => parseLimit(v, 1000), 20)
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { limit: number; json?: boolean }) => {
      const page = await withLinkPulse(config, (lp) => lp.clickQueries.page(code, { limit: opts.limit }));
      if (opts.json) return printJson(page.items);
      printTable([['TIME', 'IP', 'COUNTRY', 'BROWSER', 'OS', 'DEVICE', 'REFERRER'],
        ...page.items.map((c) => [c.at, c.ip, c.country, c.browser, c.os, c.device, c.referrerHost])]);
    });

  program.command('export <code>').description('every click of a link as CSV or NDJSON')
    .requiredOption('--format <format>', 'csv or ndjson')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--from <time>', 'start')
    .option('--to <time>', 'end')
    .action(async (code: string, opts: { format: string; out?: string; from?: string; to?: string }) => {
      const format = opts.format;
      if (format !== 'csv' && format !== 'ndjson') throw new Error('--format must be csv or ndjson');
      await withLinkPulse(config, async (lp) => {
        const { chunks } = await lp.clickQueries.export(code, { from: opts.from, to: opts.to }, format);
        const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
        for await (const chunk of chunks) await write(out, chunk);
        if (opts.out) {
          out.end();
          await once(out, 'finish');
        }
      });
    });
}

/** Writes with backpressure, so a million rows never pile up in memory. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
