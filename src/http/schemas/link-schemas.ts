import { Type } from 'typebox';
import { Cursor, Nullable, ProblemSchema } from './common.js';
import { DomainParam } from '../link-keys.js';

const RedirectType = Type.Union([Type.Literal(301), Type.Literal(302), Type.Literal(307), Type.Literal(308)]);
const PreviewBody = Type.Object({
  title: Type.String({ maxLength: 2000 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  image: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
}, { additionalProperties: false, description: 'Open Graph title, description and image shown to social networks\' crawlers' });
const OneOrMany = Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })]);
const RuleBody = Type.Object({
  when: Type.Object({
    device: Type.Optional(OneOrMany),
    os: Type.Optional(OneOrMany),
    browser: Type.Optional(OneOrMany),
    country: Type.Optional(OneOrMany),
    language: Type.Optional(OneOrMany),
    ip: Type.Optional(OneOrMany),
    query: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), OneOrMany)),
    after: Type.Optional(Type.String({ maxLength: 64 })),
    before: Type.Optional(Type.String({ maxLength: 64 })),
  }, { additionalProperties: false, description: 'Every condition given must hold; a list accepts any of its values' }),
  url: Type.String({ maxLength: 10_000 }),
}, { additionalProperties: false });
const Rules = Type.Array(RuleBody, { maxItems: 50, description: 'Targeting rules, in order: the first whose conditions all hold picks the target' });
const VariantBody = Type.Object({ url: Type.String({ maxLength: 10_000 }), weight: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false });
const Variants = Type.Array(VariantBody, { maxItems: 20, description: 'An A/B split by weight, sticky for a visitor for the day (when no rule holds)' });
const Tags = Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 });

export const LinkSchema = Type.Object({
  code: Type.String({ description: 'Unique on its domain' }),
  domain: Type.String({ description: 'The host the link lives on' }),
  shortUrl: Type.String(),
  url: Type.String(),
  title: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  maxClicks: Nullable(Type.Integer()),
  redirectType: Type.Integer(),
  disabled: Type.Boolean(),
  hasPassword: Type.Boolean(),
  fallbackUrl: Nullable(Type.String({ description: 'Where a disabled, expired or used-up link sends visitors (302) instead of a 410' })),
  track: Type.Boolean({ description: 'false: redirects without recording a click' }),
  preview: Nullable(Type.Object({ title: Type.String(), description: Nullable(Type.String()), image: Nullable(Type.String()) })),
  rules: Type.Array(Type.Object({ when: Type.Record(Type.String(), Type.Unknown()), url: Type.String() })),
  variants: Type.Array(Type.Object({ url: Type.String(), weight: Type.Integer() })),
  clicks: Type.Integer(),
}, { $id: 'Link' });

export const CreateLinkBody = Type.Object({
  url: Type.String({ maxLength: 10_000 }),
  code: Type.Optional(Type.String({ maxLength: 200 })),
  domain: Type.Optional(Type.String({ maxLength: 300, description: 'A host added by POST /api/domains; none: the default domain (the base URL\'s host)' })),
  title: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  tags: Type.Optional(Tags),
  expiresAt: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  maxClicks: Type.Optional(Nullable(Type.Integer())),
  redirectType: Type.Optional(RedirectType),
  password: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  fallbackUrl: Type.Optional(Nullable(Type.String({ maxLength: 10_000, description: 'Where a disabled, expired or used-up link sends visitors (302) instead of a 410' }))),
  track: Type.Optional(Type.Boolean({ description: 'false: redirects without recording a click (default true)' })),
  utm: Type.Optional(Type.Object({
    source: Type.Optional(Type.String({ maxLength: 1000 })),
    medium: Type.Optional(Type.String({ maxLength: 1000 })),
    campaign: Type.Optional(Type.String({ maxLength: 1000 })),
    term: Type.Optional(Type.String({ maxLength: 1000 })),
    content: Type.Optional(Type.String({ maxLength: 1000 })),
  }, { additionalProperties: false, description: 'Campaign tags set as utm_source … utm_content in the target URL' })),
  preview: Type.Optional(Nullable(PreviewBody)),
  rules: Type.Optional(Rules),
  variants: Type.Optional(Variants),
}, { additionalProperties: false });

export const UpdateLinkBody = Type.Object({
  url: Type.Optional(Type.String({ maxLength: 10_000 })),
  title: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  tags: Type.Optional(Tags),
  expiresAt: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  maxClicks: Type.Optional(Nullable(Type.Integer())),
  redirectType: Type.Optional(RedirectType),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  fallbackUrl: Type.Optional(Nullable(Type.String({ maxLength: 10_000, description: 'Where a disabled, expired or used-up link sends visitors (302) instead of a 410' }))),
  track: Type.Optional(Type.Boolean({ description: 'false: redirects without recording a click (default true)' })),
  preview: Type.Optional(Nullable(PreviewBody)),
  rules: Type.Optional(Rules),
  variants: Type.Optional(Variants),
}, { additionalProperties: false });

export const ListLinksQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Cursor),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  tag: Type.Optional(Type.String({ maxLength: 200 })),
  domain: Type.Optional({ ...DomainParam, description: 'Links on this host only; none: every domain' }),
  sort: Type.Union([Type.Literal('created'), Type.Literal('clicks')], { default: 'created' }),
});

export const LinkPage = Type.Object({ items: Type.Array(Type.Ref('Link')), nextCursor: Nullable(Type.String()) });

export const MAX_BULK_LINKS = 1000;

export const BulkCreateBody = Type.Object({
  links: Type.Array(Type.Unknown({ description: 'A link as `POST /api/links` takes it' }), { minItems: 1, maxItems: MAX_BULK_LINKS }),
}, { additionalProperties: false });

export const BulkCreateResult = Type.Object({
  results: Type.Array(Type.Union([
    Type.Object({ index: Type.Integer(), link: Type.Ref('Link') }),
    Type.Object({ index: Type.Integer(), error: ProblemSchema }),
  ]), { description: 'One entry per link sent, in order: the link created, or why it was refused' }),
});

const BulkCodes = Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: MAX_BULK_LINKS, uniqueItems: true });

export const BulkUpdateBody = Type.Object({
  codes: BulkCodes,
  domain: Type.Optional(DomainParam),
  changes: Type.Object({
    ...UpdateLinkBody.properties,
    addTags: Type.Optional(Tags),
    removeTags: Type.Optional(Tags),
  }, { additionalProperties: false, description: 'What PATCH /api/links/{code} takes, and tags to add or remove' }),
}, { additionalProperties: false });

export const BulkDeleteBody = Type.Object({ codes: BulkCodes, domain: Type.Optional(DomainParam) }, { additionalProperties: false });

export const BulkCodeResult = Type.Object({
  results: Type.Array(Type.Union([
    Type.Object({ code: Type.String(), link: Type.Ref('Link') }),
    Type.Object({ code: Type.String(), deleted: Type.Literal(true) }),
    Type.Object({ code: Type.String(), error: ProblemSchema }),
  ]), { description: 'One entry per code, in order: the link changed (or deleted), or why not' }),
});
