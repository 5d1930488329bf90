import { Type, type TString, type TUnion } from 'typebox';
import { FILTER_DIMENSIONS, type FilterDimension } from '../../core/analytics/filters.js';

const EXAMPLES: Record<FilterDimension, string[]> = {
  country: ['DE,FR', '!US'],
  region: ['DE-BE', 'US-CA,US-NY'],
  city: ['Berlin'],
  device: ['mobile', '!bot'],
  browser: ['Chrome,Firefox'],
  os: ['iOS'],
  referrerHost: ['news.ycombinator.com', '(none)'],
  language: ['de,en'],
  utmSource: ['newsletter'],
  utmMedium: ['email'],
  utmCampaign: ['spring', '!(none)'],
  utmTerm: ['shoes'],
  utmContent: ['hero-button'],
  domain: ['go.example.com'],
  target: ['https://example.com/landing'],
  tag: ['q4,launch', '(none)'],
};

const FILTER_HELP = 'A comma-separated list matched exactly, any of which may match; a leading `!` negates the whole list; '
  + '`(none)` matches a click without a value. Filters on different dimensions combine with AND (and with `bots`). '
  + 'An unknown parameter or a malformed value is a 422 naming it.';

// A repeated parameter arrives as a list: the core refuses it with a message saying how to list values.
const Repeated = Type.Array(Type.String({ maxLength: 20_000 }), { maxItems: 100 });

/** One optional query parameter per filter dimension, documented with examples. */
export const FilterQuery = Object.fromEntries(FILTER_DIMENSIONS.map((dimension) => [
  dimension,
  Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Repeated], { description: `Filter on ${dimension}. ${FILTER_HELP}`, examples: EXAMPLES[dimension] })),
])) as Record<FilterDimension, ReturnType<typeof Type.Optional<TUnion<[TString, typeof Repeated]>>>>;

export const BotsParam = Type.String({ maxLength: 20, description: 'include (default) · exclude · only', examples: ['exclude'] });
