import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { DomainError } from '../core/shared/errors.js';
import { FileError, openForReading } from './files.js';
import { withLinkPulse } from './with-linkpulse.js';

interface Refusal {
  readonly line: number;
  readonly reason: string;
}

/** `import <file.csv>`: columns url[,code,title,tags]; tags separated by `|`. A header row is optional. */
export function registerImportCommand(program: Command, config: Config): void {
  program.command('import <file>').description('create links from a CSV file: url[,code,title,tags]')
    .action(async (file: string) => {
      const rows = await readRows(file);
      const refused: Refusal[] = [];
      let created = 0;
      const bar = new SingleBar({ stream: process.stderr, format: 'importing {bar} {value}/{total}', noTTYOutput: false }, Presets.shades_classic);
      bar.start(rows.length, 0);
      await withLinkPulse(config, async (lp) => {
        for (const { line, cells } of rows) {
          const [url = '', code = '', title = '', tags = ''] = cells.map((c) => c.trim());
          try {
            await lp.links.create({
              url,
              code: code === '' ? undefined : code,
              title: title === '' ? undefined : title,
              tags: tags === '' ? [] : tags.split('|'),
            });
            created++;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refused.push({ line, reason: error.message });
          }
          bar.increment();
        }
      });
      bar.stop();
      process.stdout.write(`Imported ${created} link(s); refused ${refused.length}.\n`);
      // Reasons are single-line already; strip control characters so a crafted file cannot drive the terminal.
      for (const r of refused) process.stdout.write(`  line ${r.line}: ${stripControl(r.reason)}\n`);
      if (refused.length > 0) process.exitCode = 1;
    });
}

async function readRows(file: string): Promise<{ line: number; cells: string[] }[]> {
  const rows: { line: number; cells: string[] }[] = [];
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true });
  // A read that fails midway ends the rows with an error saying so, instead of crashing the process.
  pipeline(await openForReading(file), parser, (error) => {
    if (error && (error as NodeJS.ErrnoException).syscall !== undefined) parser.destroy(new FileError('read', file, error));
  });
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const cells = record.record;
    if (rows.length === 0 && cells[0]?.trim().toLowerCase() === 'url') continue; // header
    rows.push({ line: record.info.lines, cells });
  }
  return rows;
}

function stripControl(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? '?' : c)).join('');
}
