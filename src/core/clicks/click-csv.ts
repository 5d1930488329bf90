import { CLICK_COLUMNS, type ClickView } from './click-view.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: always quoted, quotes doubled, and a leading = + - @ TAB or CR neutralised
 * with a `'` so spreadsheets do not run attacker-written referrers or user agents as formulas.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '""';
  const text = String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvRow(values: readonly (string | number | boolean | null)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export const CLICK_CSV_HEADER = csvRow(CLICK_COLUMNS);

export function clickCsvRow(click: ClickView): string {
  return csvRow(CLICK_COLUMNS.map((column) => click[column]));
}
