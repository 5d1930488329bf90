import type { Command } from 'commander';
import type { Config } from '../config.js';
import { NONE } from '../core/analytics/filters.js';
import { parseLimit } from './link-commands.js';
import { BOTS_OPTION, FILTER_OPTION, filterParams, type ReportOptions } from './report-commands.js';
import { printJson, printTable, withLinkPulse } from './with-linkpulse.js';

// What a visitor sent is shown as text: no control character reaches the terminal.
// eslint-disable-next-line no-control-regex
const printable = (text: string | null) => text?.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?') ?? null;

export function registerOrphanCommands(program: Command, config: Config): void {
  program.command('orphans').description('visits no link answered (the base URL, unknown codes, other 404s): totals by type and the latest')
    .option('--type <types>', 'only these types, comma-separated: base_url, invalid_code, regular_404')
    .option('--from <time>', 'start (ISO 8601 or YYYY-MM-DD)')
    .option('--to <time>', 'end (ISO 8601 or YYYY-MM-DD)')
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option(...FILTER_OPTION)
    .option(...BOTS_OPTION)
    .option('--limit <n>', 'how many of the latest visits to list', (v) => parseLimit(v, 1000), 10)
    .option('--json', 'print the report and the latest visits as JSON')
    .action(async (opts: ReportOptions & { type?: string; from?: string; to?: string; tz: string; limit: number; json?: boolean }) => {
      const { filter, json, limit, tz, ...range } = opts;
      const filters = filterParams(filter);
      const [report, latest] = await withLinkPulse(config, (lp) => Promise.all([
        lp.stats.orphans({ ...range, tz, ...filters }),
        lp.orphans.page({ ...range, ...filters, limit }),
      ]));
      if (json) return printJson({ ...report, latest: latest.items });
      const { totals } = report;
      process.stdout.write(`orphan visits: ${totals.clicks} (${totals.humanClicks} human, ${totals.botClicks} bot), `
        + `${totals.uniqueVisitors} unique visitors, ${report.from} → ${report.to}\n`);
      process.stdout.write(`by type: ${(report.types ?? []).map((t) => `${t.key ?? NONE} ${t.clicks}`).join(', ') || '-'}\n\n`);
      printTable([['TIME', 'TYPE', 'PATH', 'IP', 'COUNTRY', 'BROWSER', 'REFERRER'],
        ...latest.items.map((v) => [v.at, v.type, printable(v.path), v.ip, v.country, printable(v.browser), v.referrerHost])]);
    });
}
