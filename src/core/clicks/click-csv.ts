import { CLICK_COLUMNS, type ClickView } from './click-view.js';

// = + - @ TAB CR: what a spreadsheet may take for the start of a formula.
const FORMULA_STARTS = new Set([61, 43, 45, 64, 9, 13]);

/**
 * One CSV cell: always quoted, quotes doubled, and a leading = + - @ TAB or CR neutralised
 * with a `'` so spreadsheets do not run attacker-written referrers or user agents as formulas.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '""';
  const text = typeof value === 'string' ? value : String(value);
  const safe = FORMULA_STARTS.has(text.charCodeAt(0)) ? `'${text}` : text;
  // Exports run this a million times: skip the replace where there is nothing to double.
  return `"${safe.includes('"') ? safe.replaceAll('"', '""') : safe}"`;
}

export function csvRow(values: readonly (string | number | boolean | null)[]): string {
  let row = '';
  for (let i = 0; i < values.length; i++) row += (i === 0 ? '' : ',') + csvCell(values[i] ?? null);
  return `${row}\r\n`;
}

export const CLICK_CSV_HEADER = csvRow(CLICK_COLUMNS);

export function clickCsvRow(click: ClickView): string {
  return csvRow(CLICK_COLUMNS.map((column) => click[column]));
}
