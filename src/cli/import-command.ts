import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { SingleBar, Presets } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import type { LinkPulse } from '../composition-root.js';
import { canonicalTargetUrl } from '../core/links/url-rules.js';
import { ConflictError, DomainError } from '../core/shared/errors.js';
import { IMPORT_FORMATS, importRows, type FileRecord, type ImportFormat, type ImportRow } from './import-formats.js';
import { kuttRows } from './kutt-source.js';
import { FileError, openForReading } from './files.js';
import { withLinkPulse } from './with-linkpulse.js';

interface Refusal {
  /** "line 3" of a file, "link 3" of a server's list. */
  readonly where: string;
  readonly reason: string;
}

/**
 * `import <file> [--from csv|bitly]` (import-formats.ts says what each holds). A row whose code exists
 * already with the same target counts as already there: running an import twice creates nothing twice.
 */
export function registerImportCommand(program: Command, config: Config): void {
  program.command('import <source>').description('create links from a CSV file (ours: url[,code,title,tags]), a Bitly export, or a Kutt server')
    .addOption(new Option('--from <format>', 'what the source is').choices([...IMPORT_FORMATS]).default('csv'))
    .option('--api-key <key>', 'the API key of the server imported from (Kutt)')
    .action(async (source: string, opts: { from: ImportFormat; apiKey?: string }) => {
      const rows = await readRows(opts.from, source, opts.apiKey);
      const refused: Refusal[] = [];
      let created = 0;
      let already = 0;
      const bar = new SingleBar({ stream: process.stderr, format: 'importing {bar} {value}/{total}', noTTYOutput: false }, Presets.shades_classic);
      bar.start(rows.length, 0);
      await withLinkPulse(config, async (lp) => {
        for (const { where, row } of rows) {
          bar.increment();
          if ('refused' in row) {
            refused.push({ where, reason: row.refused });
            continue;
          }
          try {
            await lp.links.create(row.link);
            created++;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            if (error instanceof ConflictError && row.link.code !== undefined && (await sameTarget(lp, row.link.code, row.link.url))) already++;
            else refused.push({ where, reason: error.message });
          }
        }
      });
      bar.stop();
      process.stdout.write(`Imported ${created} link(s); ${already} already there; refused ${refused.length}.\n`);
      // Reasons are single-line already; strip control characters so a crafted file cannot drive the terminal.
      for (const r of refused) process.stdout.write(`  ${r.where}: ${stripControl(r.reason)}\n`);
      if (refused.length > 0) process.exitCode = 1;
    });
}

/** Whether the link `code` sends visitors where `url` would (an earlier import of the same row). */
async function sameTarget(lp: LinkPulse, code: string, url: string): Promise<boolean> {
  try {
    return (await lp.links.find(code)).url === canonicalTargetUrl(url, []);
  } catch {
    return false;
  }
}

async function readRows(format: ImportFormat, source: string, apiKey: string | undefined): Promise<{ where: string; row: ImportRow }[]> {
  if (format === 'kutt') {
    if (apiKey === undefined) throw new Error('importing from Kutt needs its API key: --api-key <key>');
    return kuttRows(source, apiKey);
  }
  return importRows(format, await readRecords(source)).map(({ line, row }) => ({ where: `line ${line}`, row }));
}

async function readRecords(file: string): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true });
  // A read that fails midway ends the rows with an error saying so, instead of crashing the process.
  pipeline(await openForReading(file), parser, (error) => {
    if (error && (error as NodeJS.ErrnoException).syscall !== undefined) parser.destroy(new FileError('read', file, error));
  });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) records.push({ line: info.lines, cells: record });
  return records;
}

function stripControl(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? '?' : c)).join('');
}
