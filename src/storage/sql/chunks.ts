// Rows or values per statement: far below both databases' parameter limits at up to 9 values a row.
const ROWS_PER_STATEMENT = 500;

export function chunks<T>(list: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}
