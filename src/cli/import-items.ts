import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { SourceVisit } from '../core/clicks/click-import.js';
import { FileError, openForReading } from './files.js';
import { importRows, type FileRecord, type ImportRow } from './import-formats.js';
import { kuttRows } from './kutt-source.js';

/** A visit of the source and the source's link it belongs to (its code, and target: null if it has no such link). */
export interface VisitOfLink {
  readonly code: string;
  readonly url: string | null;
  readonly visit: SourceVisit;
}

/**
 * What a source hands an import, in order: its links, and where it keeps them, their visits (a
 * page at a time, so millions never sit in memory); `expect` says how many more of either will come
 * (the progress bar's total grows by it).
 */
export type ImportItem =
  | { readonly kind: 'expect'; readonly count: number }
  /** `where`: "line 3" of a file, "link 3" of a server's list. */
  | { readonly kind: 'link'; readonly where: string; readonly row: ImportRow }
  | { readonly kind: 'visits'; readonly visits: readonly VisitOfLink[] };

/** The links of a CSV file in our columns or a Bitly export. */
export async function* fileItems(format: 'csv' | 'bitly', file: string): AsyncGenerator<ImportItem> {
  const rows = importRows(format, await readRecords(file));
  yield { kind: 'expect', count: rows.length };
  for (const { line, row } of rows) yield { kind: 'link', where: `line ${line}`, row };
}

/** The links of a Kutt server. */
export async function* kuttItems(baseUrl: string, apiKey: string): AsyncGenerator<ImportItem> {
  const rows = await kuttRows(baseUrl, apiKey);
  yield { kind: 'expect', count: rows.length };
  for (const { where, row } of rows) yield { kind: 'link', where, row };
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
