import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError, ValidationError } from '../../core/shared/errors.js';
import type { LinkPulse } from '../../composition-root.js';
import { problems, TimeParam } from '../schemas/common.js';
import { parseKeyText } from '../../core/links/link-key.js';

const MAX_CODES = 100;

const SparklineQuery = Type.Object({
  codes: Type.String({ maxLength: 20_000, description: `Comma-separated link codes, at most ${MAX_CODES}; host/code for a link on another domain than the default` }),
  from: TimeParam,
  tz: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone of the days', examples: ['Europe/Berlin'] })),
});

const Sparklines = Type.Object({
  items: Type.Array(Type.Object({
    code: Type.String(),
    domain: Type.String({ description: 'The host the link lives on' }),
    clicks: Type.Array(Type.Integer(), { description: 'Clicks per day from `from` to now, oldest first' }),
  }), { description: 'In the order asked; an unknown code is left out' }),
});

/** Daily clicks of many links in one request, for a link list's sparklines. */
export const sparklineRoutes: FastifyPluginAsyncTypebox<{ lp: LinkPulse }> = async (app, { lp }) => {
  app.get('/api/sparklines', {
    schema: { tags: ['analytics'], summary: 'Clicks per day of several links (a link list\'s sparklines)', querystring: SparklineQuery, response: { 200: Sparklines, ...problems(400, 401, 422) } },
  }, async (request) => {
    const { from, tz } = request.query;
    const codes = [...new Set(request.query.codes.split(',').map((c) => c.trim()).filter((c) => c !== ''))];
    if (codes.length > MAX_CODES) throw ValidationError.field('codes', `at most ${MAX_CODES} codes`);
    const items = [];
    for (const entry of codes) {
      const { domain: host, code } = parseKeyText(entry);
      try {
        const key = lp.domains.key(code, host);
        const report = await lp.stats.forLink(key, { from, tz, interval: 'day', limit: 1 });
        items.push({ code: report.code ?? code, domain: lp.domains.hostOf(key.domain), clicks: report.timeseries.map((b) => b.clicks) });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    return { items };
  });
};
