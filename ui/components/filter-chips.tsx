import { countryLabel } from '../format.js';
import { filterName, FILTER_PARAMS, parseFilter, type FilterParam, type Filters } from '../view/filters.js';

const valueLabel = (param: FilterParam, value: string | null) =>
  value === null ? '(none)' : param === 'country' ? countryLabel(value) : value;

/** The active filters, each removable; values are shown as text (they may come from a pasted URL). */
export function FilterChips({ filters, onRemove, onClear }: { filters: Filters; onRemove: (param: FilterParam) => void; onClear: () => void }) {
  const active = FILTER_PARAMS.filter((param) => filters[param] !== undefined);
  if (active.length === 0) return null;
  return (
    <div class="filters" role="group" aria-label="Active filters">
      {active.map((param) => {
        const { negate, values } = parseFilter(filters[param] as string);
        const text = `${filterName(param)} ${negate ? 'is not' : 'is'} ${values.map((v) => valueLabel(param, v)).join(' or ')}`;
        return (
          <span class="filter-chip" key={param} data-filter={param}>
            <span>{text}</span>
            <button type="button" class="remove" aria-label={`Remove filter: ${text}`} onClick={() => onRemove(param)}>×</button>
          </span>
        );
      })}
      {active.length > 1 && <button type="button" class="link-button" onClick={onClear}>Clear all</button>}
    </div>
  );
}
