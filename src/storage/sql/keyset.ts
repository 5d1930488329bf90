import { sql, type RawBuilder } from 'kysely';

/** Keyset position, newest first: clicks before `before` in (at, id) order. */
export function olderThan(at: RawBuilder<unknown>, id: RawBuilder<unknown>, before: { value: number; id: number }): RawBuilder<boolean> {
  return sql<boolean>`(${at} < ${before.value} or (${at} = ${before.value} and ${id} < ${before.id}))`;
}
