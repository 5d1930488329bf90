import { Type } from 'typebox';
import { Nullable } from '../schemas/common.js';

// Shlink's REST API v3 shapes (its OpenAPI document at github.com/shlinkio/shlink, docs/swagger).

export const ShlinkProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), detail: Type.String(), status: Type.Integer(),
  invalidElements: Type.Optional(Type.Array(Type.String())),
  shortCode: Type.Optional(Type.String()),
  domain: Type.Optional(Type.String()),
  customSlug: Type.Optional(Type.String()),
}, { $id: 'ShlinkProblem', additionalProperties: true, description: 'A problem document as Shlink writes it' });

const problem = Type.Ref('ShlinkProblem');
/** The problem responses of a Shlink route. */
export const shlinkProblemResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problem]));

const VisitsSummary = Type.Object({ total: Type.Integer(), nonBots: Type.Integer(), bots: Type.Integer() });

export const ShlinkShortUrlSchema = Type.Object({
  shortCode: Type.String(),
  shortUrl: Type.String(),
  longUrl: Type.String(),
  dateCreated: Type.String(),
  visitsSummary: VisitsSummary,
  tags: Type.Array(Type.String()),
  meta: Type.Object({ validSince: Nullable(Type.String()), validUntil: Nullable(Type.String()), maxVisits: Nullable(Type.Integer()) }),
  domain: Nullable(Type.String()),
  title: Nullable(Type.String()),
  crawlable: Type.Boolean(),
  forwardQuery: Type.Boolean(),
  hasRedirectRules: Type.Boolean(),
}, { $id: 'ShlinkShortUrl' });

export const Pagination = Type.Object({
  currentPage: Type.Integer(), pagesCount: Type.Integer(), itemsPerPage: Type.Integer(), itemsInCurrentPage: Type.Integer(), totalItems: Type.Integer(),
});

const VisitLocation = Nullable(Type.Object({
  countryCode: Nullable(Type.String()), countryName: Nullable(Type.String()), regionName: Nullable(Type.String()), cityName: Nullable(Type.String()),
  latitude: Nullable(Type.Number()), longitude: Nullable(Type.Number()), timezone: Nullable(Type.String()), isEmpty: Type.Boolean(),
}));

const visitProperties = {
  referer: Type.String(), date: Type.String(), userAgent: Type.String(), visitLocation: VisitLocation, potentialBot: Type.Boolean(),
  visitedUrl: Type.String(), redirectUrl: Nullable(Type.String()),
};
export const ShlinkVisitSchema = Type.Object(visitProperties, { $id: 'ShlinkVisit' });
export const ShlinkOrphanVisitSchema = Type.Object({
  ...visitProperties, type: Type.String({ enum: ['base_url', 'invalid_short_url', 'regular_404'] }),
}, { $id: 'ShlinkOrphanVisit' });

const Integer = Type.Integer();
const Text = (maxLength = 2048) => Type.String({ maxLength });
const TagList = Type.Union([Text(200), Type.Array(Text(200), { maxItems: 100 })]);

export const ShortUrlsQuery = Type.Object({
  page: Type.Optional(Integer),
  itemsPerPage: Type.Optional(Integer),
  searchTerm: Type.Optional(Text()),
  'tags[]': Type.Optional(TagList),
  tagsMode: Type.Optional(Type.String({ enum: ['any', 'all'] })),
  orderBy: Type.Optional(Type.String({ maxLength: 40, description: 'field-DIR: dateCreated, shortCode, longUrl, title, visits or nonBotVisits; ASC or DESC' })),
  domain: Type.Optional(Text(255)),
});

export const ShortCodeParams = Type.Object({ shortCode: Text(200) });
export const DomainQuery = Type.Object({ domain: Type.Optional(Text(255)) });

const editProperties = {
  longUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
  title: Type.Optional(Nullable(Text(500))),
  tags: Type.Optional(Type.Array(Text(200), { maxItems: 100 })),
  validSince: Type.Optional(Nullable(Text(64))),
  validUntil: Type.Optional(Nullable(Text(64))),
  maxVisits: Type.Optional(Nullable(Type.Integer())),
  crawlable: Type.Optional(Type.Boolean()),
  forwardQuery: Type.Optional(Type.Boolean()),
};
export const EditShortUrlBody = Type.Object(editProperties);
export const CreateShortUrlBody = Type.Object({
  ...editProperties,
  longUrl: Type.String({ minLength: 1, maxLength: 8192 }),
  customSlug: Type.Optional(Text(200)),
  findIfExists: Type.Optional(Type.Boolean()),
  domain: Type.Optional(Text(255)),
  shortCodeLength: Type.Optional(Type.Integer()),
  pathPrefix: Type.Optional(Text(200)),
});

export const VisitsQuery = Type.Object({
  page: Type.Optional(Integer),
  itemsPerPage: Type.Optional(Integer),
  startDate: Type.Optional(Text(64)),
  endDate: Type.Optional(Text(64)),
  excludeBots: Type.Optional(Type.String({ enum: ['true', 'false'] })),
  domain: Type.Optional(Text(255)),
});
export const OrphanVisitsQuery = Type.Object({
  ...VisitsQuery.properties,
  type: Type.Optional(Type.String({ maxLength: 40, description: 'base_url, invalid_short_url or regular_404' })),
});

export const ShortUrlList = Type.Object({ shortUrls: Type.Object({ data: Type.Array(Type.Ref('ShlinkShortUrl')), pagination: Pagination }) });
export const VisitList = Type.Object({ visits: Type.Object({ data: Type.Array(Type.Ref('ShlinkVisit')), pagination: Pagination }) });
export const OrphanVisitList = Type.Object({ visits: Type.Object({ data: Type.Array(Type.Ref('ShlinkOrphanVisit')), pagination: Pagination }) });
export const VisitsOverview = Type.Object({ visits: Type.Object({ nonOrphanVisits: VisitsSummary, orphanVisits: VisitsSummary }) });
export const TagList200 = Type.Object({ tags: Type.Object({ data: Type.Array(Type.String()), pagination: Pagination }) });
export const TagStatsList = Type.Object({ tags: Type.Object({
  data: Type.Array(Type.Object({ tag: Type.String(), shortUrlsCount: Type.Integer(), visitsSummary: VisitsSummary })), pagination: Pagination,
}) });
const Redirects = Type.Object({ baseUrlRedirect: Nullable(Type.String()), regular404Redirect: Nullable(Type.String()), invalidShortUrlRedirect: Nullable(Type.String()) });
export const DomainList = Type.Object({ domains: Type.Object({
  data: Type.Array(Type.Object({ domain: Type.String(), isDefault: Type.Boolean(), redirects: Redirects })), defaultRedirects: Redirects,
}) });
export const Health = Type.Object({
  status: Type.String({ enum: ['pass', 'fail'] }), version: Type.String(), links: Type.Object({ about: Type.String(), project: Type.String() }),
});
