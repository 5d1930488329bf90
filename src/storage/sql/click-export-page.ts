import { sql, type Kysely, type RawBuilder } from 'kysely';
import { DAY_MS } from '../../core/analytics/rollup.js';
import { csvCell } from '../../core/clicks/click-csv.js';
import type { ClickPageQuery, ClickTextPage, ExportedLink, ExportFormat } from '../../core/clicks/click-store.js';
import { CLICK_COLUMNS } from '../../core/clicks/click-view.js';
import type { Database, SqlDialect } from '../schema.js';
import { hasFilters } from '../../core/analytics/filters.js';
import { filterCondition } from './click-filter-sql.js';
import { olderThan } from './keyset.js';

// A row's columns after id, code and at, in CLICK_COLUMNS' order; the link's domain follows them.
const ROW_COLUMNS = [
  'ip', 'country', 'browser', 'os', 'device', 'bot', 'referrer', 'referrer_host', 'language', 'user_agent', 'visitor_id',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'region', 'city', 'target',
] as const;
const BOT_TEXT = sql`case when c.bot = 1 then 'true' else 'false' end`;
const POSTGRES_TIME = sql`to_char(timestamp '1970-01-01' + c.at * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
// = + - @ TAB CR, as click-csv.ts's FORMULA_STARTS.
const FORMULA_STARTS = sql.raw('61, 43, 45, 64, 9, 13');

/**
 * A page of a link's clicks written by the database itself, as CSV rows exactly as clickCsvRow
 * writes them or as NDJSON lines exactly as JSON.stringify writes their views
 * (test/storage/storage-contract.test.ts compares them on hostile values): an export then passes one
 * string a page instead of building every click as an object, several times over, on the thread
 * that answers redirects.
 */
export async function clickExportPage(
  kind: SqlDialect,
  reads: Kysely<Database>,
  query: ClickPageQuery & { readonly linkId: number },
  link: ExportedLink,
  format: ExportFormat,
): Promise<ClickTextPage> {
  const { linkId, before, limit } = query;
  const newest = before ? Math.min(before.value, query.to - 1) : query.to - 1;
  const keyset = (at: RawBuilder<unknown>, id: RawBuilder<unknown>) => (before ? olderThan(at, id, before) : sql`1 = 1`);
  const filtered = hasFilters(query.filters) || (query.bots ?? 'include') !== 'include';
  const where = filterCondition(query.filters, query.bots ?? 'include');
  // As list(): the clicks up to the watermark through click_links, the rest by id ("+": by id).
  // A page is two statements, each a round trip to SQLite's read worker: the watermark and whether
  // the range has clicks past it, then the page and its last key.
  const past = (watermark: RawBuilder<unknown>) => sql`c.id > ${watermark} and +c.link_id = ${linkId} and +c.at >= ${query.from} and +c.at <= ${newest}
    and ${keyset(sql`+c.at`, sql`c.id`)} and ${where}`;
  const { rows: [position] } = await sql<{ watermark: number | string; found: unknown }>`
    select w.watermark, exists (select 1 from clicks c where ${past(sql.ref('w.watermark'))}) as found
    from rollup_state w where w.id = 1`.execute(reads);
  if (!position) throw new Error('rollup_state has no row: migrations have not run');
  const watermark = Number(position.watermark);
  // Mostly none past the watermark: then the page is one index range, in order, and needs no merging.
  const found = position.found === true || Number(position.found) === 1;
  const rolled = (columns: RawBuilder<unknown>, join = sql`join clicks c on c.id = l.id`) => sql`select ${columns} from click_links l ${join}
    where l.link_id = ${linkId} and l.id <= ${watermark} and l.at >= ${query.from} and l.at <= ${newest} and ${keyset(sql`l.at`, sql`l.id`)}
      and ${where}
    order by l.at desc, l.id desc limit ${limit}`;
  const recent = (columns: RawBuilder<unknown>) => sql`select ${columns} from clicks c where ${past(sql`${watermark}`)}
    order by +c.at desc, c.id desc limit ${limit}`;
  const line = format === 'csv' ? csvLine : ndjsonLine;
  const withLine = sql`c.id, c.at, ${line(kind, link, { from: query.from, newest })} as line`;
  const source = !found
    ? sql`(${rolled(withLine)}) p`
    : sql`(select * from (select * from (${rolled(withLine)}) r union all select * from (${recent(withLine)}) t) u order by at desc, id desc limit ${limit}) p`;
  // Unfiltered, the keys come from click_links alone; filters need the clicks' columns.
  const keyJoin = filtered ? undefined : sql``;
  const keys = !found
    ? rolled(sql`l.at, l.id`, keyJoin)
    : sql`select * from (${rolled(sql`l.at, l.id`, keyJoin)}) r union all select * from (${recent(sql`c.at, c.id`)}) t`;
  // SQLite aggregates a subquery with ORDER BY and LIMIT in its order (it runs it as a co-routine;
  // it cannot flatten it into an aggregate), and an ORDER BY inside string_agg sorts the page again:
  // a third of its time. The storage contract test checks the order. A full page's last key comes
  // from the keys alone (an index range): the next page starts after it.
  const { rows } = await sql<{ text: string | null; n: number | string; at: number | string | null; id: number | string | null }>`
    select p.text, p.n, k.at, k.id
    from (select ${kind === 'sqlite' ? sql`string_agg(line, '')` : sql`string_agg(line, '' order by at desc, id desc)`} as text, count(*) as n from ${source}) p
    left join (select at, id from (${keys}) k order by at desc, id desc limit 1 offset ${limit - 1}) k on 1 = 1`.execute(reads);
  const row = rows[0];
  const count = Number(row?.n ?? 0);
  const last = row?.at != null && row.id != null && count === limit ? { value: Number(row.at), id: Number(row.id) } : undefined;
  return { text: row?.text ?? '', rows: count, last };
}

/** The range a page reads: `from` (its oldest possible click) and the time of its newest. */
export type PageTimes = { readonly from: number; readonly newest: number };

/** click-csv.ts's row (CLICK_COLUMNS, csvCell's quoting and formula guard) as a SQL expression. */
function csvLine(kind: SqlDialect, { code, domain }: ExportedLink, times: PageTimes): RawBuilder<string> {
  const guarded = (column: string) => {
    const value = sql.ref(`c.${column}`);
    const first = kind === 'postgres' ? sql`ascii(${value})` : sql`unicode(${value})`;
    // Every formula start is below 'A': most cells are settled by the first comparison (a quarter
    // of SQLite's row time, where the list alone is an ephemeral-index probe per cell).
    return sql`case when ${first} < 65 and ${first} in (${FORMULA_STARTS}) then '''' || ${value} else ${value} end`;
  };
  const codeCell = csvCell(code);
  const domainEnd = `,${csvCell(domain)}\r\n`;
  if (kind === 'sqlite') {
    // One printf a row: %w doubles the quotes; %w of NULL would print "(NULL)".
    const cells = ROW_COLUMNS.map((column) => (column === 'bot' ? BOT_TEXT : sql`coalesce(${guarded(column)}, '')`));
    const time = sqliteTime(times);
    const format = `"%d",%s,"${time.format}",${ROW_COLUMNS.map((column) => (column === 'bot' ? '"%s"' : '"%w"')).join(',')}%s`;
    return sql<string>`printf(${format}, c.id, ${codeCell}, ${time.args}, ${sql.join(cells)}, ${domainEnd})`;
  }
  const cells = ROW_COLUMNS.map((column) => (column === 'bot'
    ? sql`'"' || ${BOT_TEXT} || '"'`
    : sql`coalesce('"' || replace(${guarded(column)}, '"', '""') || '"', '""')`));
  return sql<string>`'"' || c.id || '",' || cast(${codeCell} as text) || ',"' || ${POSTGRES_TIME} || '",' || ${sql.join(cells, sql` || ',' || `)} || cast(${domainEnd} as text)`;
}

/** `JSON.stringify(toClickView(click, code, domain))` and a newline, as a SQL expression. */
function ndjsonLine(kind: SqlDialect, link: ExportedLink, times: PageTimes): RawBuilder<string> {
  return clickJson(kind, link, times, '\n');
}

/** A link's code and host: given, or expressions giving them a row at a time (clicks of several links). */
export interface LinkText {
  readonly code: string | RawBuilder<string>;
  readonly domain: string | RawBuilder<string>;
}

/** `JSON.stringify(toClickView(click, code, domain))` and `end`, as a SQL expression over the clicks `c`. */
export function clickJson(kind: SqlDialect, { code, domain }: LinkText, times: PageTimes, end = ''): RawBuilder<string> {
  // Both databases escape a string as JSON.stringify does (quote, backslash, \b \f \n \r \t, other
  // control characters as lowercase \u00xx); the contract test compares them on hostile values.
  const keys = CLICK_COLUMNS.slice(3, 3 + ROW_COLUMNS.length); // ROW_COLUMNS' keys
  if (kind === 'sqlite') {
    const quoted = (text: string | RawBuilder<string>) => (typeof text === 'string' ? JSON.stringify(text) : sql`json_quote(${text})`);
    const time = sqliteTime(times);
    const format = `{"id":%d,"code":%s,"at":"${time.format}",${keys.map((key) => `"${key}":%s`).join(',')},"domain":%s}${end}`;
    const values = ROW_COLUMNS.map((column) => (column === 'bot' ? BOT_TEXT : sql`json_quote(${sql.ref(`c.${column}`)})`));
    return sql<string>`printf(${format}, c.id, ${quoted(code)}, ${time.args}, ${sql.join(values)}, ${quoted(domain)})`;
  }
  const quoted = (text: string | RawBuilder<string>) => (typeof text === 'string' ? sql`cast(${JSON.stringify(text)} as text)` : sql`to_json(${text})::text`);
  const values = ROW_COLUMNS.map((column, i) => {
    const value = column === 'bot' ? BOT_TEXT : sql`coalesce(to_json(${sql.ref(`c.${column}`)})::text, 'null')`;
    return sql`${`,"${keys[i] as string}":`} || ${value}`;
  });
  return sql<string>`'{"id":' || c.id || ',"code":' || ${quoted(code)} || ',"at":"' || ${POSTGRES_TIME} || '"' || ${sql.join(values, sql` || `)}
    || ',"domain":' || ${quoted(domain)} || cast(${`}${end}`} as text)`;
}

/**
 * The click's time as toISOString writes it, for SQLite's printf: a format and its arguments. The
 * date of the page's newest day is a parameter for every click of that day (most of a page) and the
 * time of day arithmetic: strftime cost a fifth of a row. A range reaching before 1970 takes
 * strftime whole (the arithmetic is for at >= 0).
 */
function sqliteTime(times: PageTimes): { format: string; args: RawBuilder<unknown> } {
  const dayStart = Math.floor(times.newest / DAY_MS) * DAY_MS;
  const day = new Date(dayStart);
  if (times.from < 0 || Number.isNaN(day.getTime())) {
    return { format: '%s.%03dZ', args: sql`strftime('%Y-%m-%dT%H:%M:%S', c.at / 1000, 'unixepoch'), c.at % 1000` };
  }
  return {
    format: '%s%02d:%02d:%02d.%03dZ',
    args: sql`case when c.at >= ${dayStart} then ${day.toISOString().slice(0, 11)} else strftime('%Y-%m-%dT', c.at / 1000, 'unixepoch') end,
      c.at / 3600000 % 24, c.at / 60000 % 60, c.at / 1000 % 60, c.at % 1000`,
  };
}
