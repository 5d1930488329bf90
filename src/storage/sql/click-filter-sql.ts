import { sql, type RawBuilder } from 'kysely';
import { CLICK_DIMENSIONS, DIMENSIONS } from '../../core/analytics/analytics-store.js';
import type { ClickFilters, DimensionFilter } from '../../core/analytics/filters.js';
import type { BotFilter } from '../../core/clicks/click-store.js';
import { DIMENSION_COLUMNS } from './click-columns.js';

const COLUMN_OF = new Map<string, string>(DIMENSIONS.map((d) => [CLICK_DIMENSIONS[d], DIMENSION_COLUMNS[d]]));
const TRUE = sql<boolean>`1 = 1`;
const FALSE = sql<boolean>`1 = 0`;

/** The filters and the bot flag as one condition on the clicks aliased `alias`. */
export function filterCondition(filters: ClickFilters | undefined, bots: BotFilter, alias = 'c'): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [];
  if (bots !== 'include') parts.push(sql<boolean>`${sql.ref(`${alias}.bot`)} = ${bots === 'only' ? 1 : 0}`);
  for (const [dimension, filter] of Object.entries(filters ?? {}) as [keyof ClickFilters, DimensionFilter][]) {
    if (dimension === 'domain') {
      // Every link has a domain: `(none)` matches no click.
      parts.push(matching(filter, (values) => sql<boolean>`exists (select 1 from links l where l.id = ${sql.ref(`${alias}.link_id`)} and l.domain in (${sql.join(values)}))`, FALSE));
      continue;
    }
    if (dimension === 'tag') {
      parts.push(matching(filter, (values) => sql<boolean>`exists (select 1 from link_tags t where t.link_id = ${sql.ref(`${alias}.link_id`)} and t.tag in (${sql.join(values)}))`,
        sql<boolean>`not exists (select 1 from link_tags t where t.link_id = ${sql.ref(`${alias}.link_id`)})`));
      continue;
    }
    const column = sql.ref(`${alias}.${COLUMN_OF.get(dimension) as string}`);
    parts.push(matching(filter, (values) => sql<boolean>`${column} in (${sql.join(values)})`, sql<boolean>`${column} is null`));
  }
  return parts.length === 0 ? TRUE : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

/** Any of the values (`isNone` for null), or, negated, none of them: SQL's NULL never slips through. */
function matching(filter: DimensionFilter, isIn: (values: string[]) => RawBuilder<boolean>, isNone: RawBuilder<boolean>): RawBuilder<boolean> {
  const values = filter.values.filter((v): v is string => v !== null);
  const options = [...(values.length > 0 ? [isIn(values)] : []), ...(filter.values.includes(null) ? [isNone] : [])];
  // coalesce: `x in (…)` is NULL for a NULL x, and NOT NULL is NULL too.
  const any = options.length === 0 ? FALSE : sql<boolean>`coalesce((${sql.join(options, sql` or `)}), false)`;
  return filter.negate ? sql<boolean>`not ${any}` : any;
}
