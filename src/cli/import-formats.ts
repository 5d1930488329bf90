import type { CreateLinkInput } from '../core/links/link-input.js';

/**
 * One link of a source to create (with the time it was created there, epoch ms, where the source
 * keeps it), or why it cannot be one.
 */
export type ImportRow = { readonly link: CreateLinkInput; readonly createdAt?: number | undefined } | { readonly refused: string };

export const IMPORT_FORMATS = ['csv', 'bitly', 'yourls', 'shlink', 'kutt'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A record of the file and the line it ends on. */
export interface FileRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Reads a file's records (the first one may be a header) as links. `csv`: columns url[,code,title,
 * tags], tags `|`-separated, the header optional. `bitly`: Bitly's link export, whose header names the
 * fields of its link object (`long_url`, `link`, `custom_bitlinks`, `title`, `tags`, `created_at`;
 * others ignored); the code is the back-half of `link`, or of the first custom bitlink.
 */
export function importRows(format: 'csv' | 'bitly', records: readonly FileRecord[]): { line: number; row: ImportRow }[] {
  return format === 'bitly' ? bitlyRows(records) : csvRows(records);
}

function csvRows(records: readonly FileRecord[]): { line: number; row: ImportRow }[] {
  const header = records[0]?.cells[0]?.trim().toLowerCase() === 'url';
  return records.slice(header ? 1 : 0).map(({ line, cells }) => {
    const [url = '', code = '', title = '', tags = ''] = cells.map((c) => c.trim());
    return {
      line,
      row: { link: { url, code: code === '' ? undefined : code, title: title === '' ? undefined : title, tags: splitList(tags) } },
    };
  });
}

function bitlyRows(records: readonly FileRecord[]): { line: number; row: ImportRow }[] {
  const header = (records[0]?.cells ?? []).map((name) => name.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const [longUrl, link, custom, title, tags, created] = ['long_url', 'link', 'custom_bitlinks', 'title', 'tags', 'created_at'].map(column) as [number, number, number, number, number, number];
  if (longUrl === -1 || (link === -1 && custom === -1)) {
    return [{ line: 1, row: { refused: 'a Bitly export names long_url and link (or custom_bitlinks) in its first row' } }];
  }
  return records.slice(1).map(({ line, cells }) => {
    const cell = (index: number) => (index === -1 ? '' : cells[index]?.trim() ?? '');
    const code = backHalf(cell(link)) ?? splitList(cell(custom)).map(backHalf).find((c) => c !== undefined);
    if (code === undefined) return { line, row: { refused: 'neither link nor custom_bitlinks holds a short link with a back-half' } };
    const input = { url: cell(longUrl), code, title: cell(title) === '' ? undefined : cell(title), tags: splitList(cell(tags)) };
    return { line, row: { link: input, createdAt: sourceTime(cell(created)) } };
  });
}

/**
 * An ISO 8601 time with its zone as sources write it ("2024-01-02T03:04:05+0000", "…Z",
 * "…+02:00") as epoch ms; undefined when it is none.
 */
export function sourceTime(text: string): number | undefined {
  const iso = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(iso)) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** "https://bit.ly/spring-sale" → "spring-sale"; "bit.ly/x" too. */
function backHalf(shortLink: string): string | undefined {
  if (shortLink === '') return undefined;
  try {
    const path = new URL(/^https?:\/\//i.test(shortLink) ? shortLink : `https://${shortLink}`).pathname.replace(/^\/+|\/+$/g, '');
    return path === '' || path.includes('/') ? undefined : decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

function splitList(text: string): string[] {
  return text.split('|').map((t) => t.trim()).filter((t) => t !== '');
}
