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
