import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toLinkView } from '../../core/links/link-view.js';
import type { LinkPulse } from '../../composition-root.js';
import { CodeParams, problems } from '../schemas/common.js';
import { DomainQuery, linkKeyOf } from '../link-keys.js';
import {
  BulkCodeResult, BulkCreateBody, BulkCreateResult, BulkDeleteBody, BulkUpdateBody, CreateLinkBody, LinkPage, ListLinksQuery, UpdateLinkBody,
} from '../schemas/link-schemas.js';
import type { CreateLinkInput } from '../../core/links/link-input.js';
import type { LinkKey } from '../../core/links/link-key.js';
import { DomainError, ValidationError } from '../../core/shared/errors.js';
import { domainProblem, type Problem } from '../problem.js';
import { bodyChecker } from '../validation.js';

export const linkRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  const view = (link: Parameters<typeof toLinkView>[0]) => toLinkView(link, lp.config.baseUrl);
  const tags = ['links'];

  app.post('/api/links', {
    schema: { tags, summary: 'Shorten a URL', body: CreateLinkBody, response: { 201: Type.Ref('Link'), ...problems(400, 401, 403, 409, 413, 415, 422) } },
  }, async (request, reply) => {
    const link = await lp.links.create(request.body);
    const query = link.domain === '' ? '' : `?domain=${encodeURIComponent(link.domain)}`;
    return reply.code(201).header('location', `/api/links/${link.code}${query}`).send(view(link));
  });

  // Each item is checked as POST /api/links checks its body, and created or refused on its own.
  const checkLink = bodyChecker(CreateLinkBody);
  app.post('/api/links/bulk', {
    // 1,000 links do not fit the 64 KB other bodies get.
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags, summary: 'Create up to 1,000 links at once, each created or refused on its own',
      body: BulkCreateBody, response: { 200: BulkCreateResult, ...problems(400, 401, 403, 413, 415, 422) },
    },
  }, async (request) => {
    const results: ({ index: number; link: ReturnType<typeof view> } | { index: number; error: Problem })[] = [];
    for (const [index, item] of request.body.links.entries()) {
      const fields = checkLink(item);
      if (fields.length > 0) {
        results.push({ index, error: domainProblem(new ValidationError(fields)) });
        continue;
      }
      try {
        results.push({ index, link: view(await lp.links.create(item as CreateLinkInput)) });
      } catch (error) {
        // The database failing fails the request (503); what is wrong with one item, only that item.
        if (!(error instanceof DomainError) || error.kind === 'unavailable') throw error;
        results.push({ index, error: domainProblem(error) });
      }
    }
    return { results };
  });

  /** Runs `change` for each code on its own: its result, or the problem that refused it. */
  async function eachCode<T>(codes: readonly string[], domain: string | undefined, change: (key: LinkKey) => Promise<T>): Promise<({ code: string } & (T | { error: Problem }))[]> {
    const results: ({ code: string } & (T | { error: Problem }))[] = [];
    for (const code of codes) {
      try {
        results.push({ code, ...(await change(linkKeyOf(lp.domains, code, domain))) });
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind === 'unavailable') throw error;
        results.push({ code, error: domainProblem(error) });
      }
    }
    return results;
  }

  app.post('/api/links/bulk/update', {
    bodyLimit: 1024 * 1024,
    schema: {
      tags, summary: 'Change up to 1,000 links at once (tags to add or remove, disable, …), each on its own',
      body: BulkUpdateBody, response: { 200: BulkCodeResult, ...problems(400, 401, 403, 413, 415, 422) },
    },
  }, async (request) => {
    const { addTags, removeTags, ...changes } = request.body.changes;
    return {
      results: await eachCode(request.body.codes, request.body.domain, async (key) => {
        let tagsNow = changes.tags;
        if (addTags !== undefined || removeTags !== undefined) {
          const current = changes.tags ?? (await lp.links.find(key)).tags;
          tagsNow = [...new Set([...current, ...(addTags ?? [])])].filter((tag) => !(removeTags ?? []).includes(tag));
        }
        return { link: view(await lp.links.update(key, { ...changes, ...(tagsNow !== undefined && { tags: tagsNow }) })) };
      }),
    };
  });

  app.post('/api/links/bulk/delete', {
    bodyLimit: 1024 * 1024,
    schema: {
      tags, summary: 'Delete up to 1,000 links and their clicks, each on its own',
      body: BulkDeleteBody, response: { 200: BulkCodeResult, ...problems(400, 401, 403, 413, 415, 422) },
    },
  }, async (request) => ({
    results: await eachCode(request.body.codes, request.body.domain, async (key) => {
      await lp.links.delete(key);
      return { deleted: true as const };
    }),
  }));

  app.get('/api/links', {
    schema: { tags, summary: 'List links', querystring: ListLinksQuery, response: { 200: LinkPage, ...problems(400, 401, 422) } },
  }, async (request) => {
    const { limit, cursor, q, tag, sort, domain } = request.query;
    const page = await lp.links.list({ limit, cursor, search: q, tag, sort, domain });
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  });

  app.get('/api/links/:code', {
    schema: { tags, summary: 'Read a link', params: CodeParams, querystring: DomainQuery, response: { 200: Type.Ref('Link'), ...problems(401, 404, 422) } },
  }, async (request) => view(await lp.links.get(linkKeyOf(lp.domains, request.params.code, request.query.domain))));

  app.patch('/api/links/:code', {
    schema: {
      tags, summary: 'Change a link', params: CodeParams, querystring: DomainQuery, body: UpdateLinkBody,
      response: { 200: Type.Ref('Link'), ...problems(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request) => view(await lp.links.update(linkKeyOf(lp.domains, request.params.code, request.query.domain), request.body)));

  app.delete('/api/links/:code', {
    schema: { tags, summary: 'Delete a link and its clicks', params: CodeParams, querystring: DomainQuery, response: { 204: Type.Null(), ...problems(401, 403, 404, 422) } },
  }, async (request, reply) => {
    await lp.links.delete(linkKeyOf(lp.domains, request.params.code, request.query.domain));
    return reply.code(204).send(null);
  });
};
