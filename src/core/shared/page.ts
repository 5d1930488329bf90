export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Opaque keyset cursors: a sort value and the row id that breaks ties. */
export function encodeCursor(value: number, id: number): string {
  return Buffer.from(`${value}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { value: number; id: number } | undefined {
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) return undefined;
  return { value: Number(match[1]), id: Number(match[2]) };
}

/** Rows fetched with limit + 1: the extra row only tells that another page exists. */
export function pageOf<T>(rows: T[], limit: number, positionOf: (row: T) => { value: number; id: number }): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next = rows.length > limit && last !== undefined ? positionOf(last) : undefined;
  return { items, nextCursor: next ? encodeCursor(next.value, next.id) : null };
}
