import { SingleBar, Presets } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import { IMPORT_FORMATS, type ImportFormat } from './import-formats.js';
import { fileItems, kuttItems, type ImportItem } from './import-items.js';
import { runImport } from './import-run.js';
import { withLinkPulse } from './with-linkpulse.js';

interface ImportOptions {
  readonly from: ImportFormat;
  readonly apiKey?: string;
  readonly tablePrefix: string;
}

/**
 * `import <source> [--from csv|bitly|yourls|shlink|kutt]`: links, and where the source keeps them
 * their visits with their original times (import-run.ts). Run twice, it imports nothing twice.
 */
export function registerImportCommand(program: Command, config: Config): void {
  program.command('import <source>')
    .description('import links, and their visits where the source keeps them: a CSV file (ours: url[,code,title,tags]), a Bitly export, a YOURLS database, a Shlink or Kutt server')
    .addOption(new Option('--from <format>', 'what the source is').choices([...IMPORT_FORMATS]).default('csv'))
    .option('--api-key <key>', 'the API key of the server imported from (Shlink, Kutt)')
    .option('--table-prefix <prefix>', 'the prefix of YOURLS\'s tables', 'yourls_')
    .action(async (source: string, opts: ImportOptions) => {
      const items = itemsOf(opts, source);
      const bar = new SingleBar({ stream: process.stderr, format: 'importing {bar} {value}/{total} links and visits', noTTYOutput: false }, Presets.shades_classic);
      let total = 0;
      bar.start(0, 0);
      const summary = await withLinkPulse(config, (lp) => runImport(lp, items, {
        expect: (count) => bar.setTotal((total += count)),
        done: (count) => bar.increment(count),
      })).finally(() => bar.stop());
      const { created, already, refused, visits } = summary;
      process.stdout.write(`Imported ${created} link(s); ${already} already there; refused ${refused.length}.\n`);
      if (opts.from === 'yourls' || opts.from === 'shlink') {
        process.stdout.write(`Imported ${visits.imported} visit(s); ${visits.already} already there; skipped ${visits.skipped}.\n`);
      }
      // Sources are not ours to trust: control characters would drive the terminal.
      for (const r of refused) process.stdout.write(`  ${stripControl(r.where)}: ${stripControl(r.reason)}\n`);
      if (refused.length > 0) process.exitCode = 1;
    });
}

function itemsOf(opts: ImportOptions, source: string): AsyncIterable<ImportItem> {
  switch (opts.from) {
    case 'csv':
    case 'bitly':
      return fileItems(opts.from, source);
    case 'yourls':
      // Its MySQL driver is loaded only for a YOURLS import.
      return loaded(async () => (await import('./yourls-source.js')).yourlsItems(source, opts.tablePrefix));
    case 'shlink': {
      const key = needKey(opts, 'Shlink');
      return loaded(async () => (await import('./shlink-source.js')).shlinkItems(source, key));
    }
    case 'kutt':
      return kuttItems(source, needKey(opts, 'Kutt'));
  }
}

/** The items of a source whose module is loaded when they are first read. */
async function* loaded(items: () => Promise<AsyncIterable<ImportItem>> | AsyncIterable<ImportItem>): AsyncIterable<ImportItem> {
  yield* await items();
}

function needKey(opts: ImportOptions, server: string): string {
  if (opts.apiKey === undefined) throw new Error(`importing from ${server} needs its API key: --api-key <key>`);
  return opts.apiKey;
}

/** C0 and C1 control characters (escape sequences start with either) become "?". */
function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
