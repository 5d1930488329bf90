import { sourceTime, type ImportRow } from './import-formats.js';

const PAGE = 50;

interface KuttLink {
  readonly address?: unknown;
  readonly target?: unknown;
  readonly description?: unknown;
  readonly created_at?: unknown;
}

/**
 * Every link of a Kutt instance through its API v2 (`GET /api/v2/links`, paged by `skip`, with the
 * `X-API-KEY` header): the code is the link's `address`, the title its `description`, created at its
 * `created_at`. Kutt's API lists no visits, only counts: links come alone.
 */
export async function kuttRows(baseUrl: string, apiKey: string): Promise<{ where: string; row: ImportRow }[]> {
  const rows: { where: string; row: ImportRow }[] = [];
  if (!URL.canParse(baseUrl)) throw new Error(`the Kutt source must be its base URL, e.g. https://kutt.example.com (got "${baseUrl}")`);
  for (let skip = 0; ; skip += PAGE) {
    const url = new URL('/api/v2/links', baseUrl);
    url.search = new URLSearchParams({ limit: String(PAGE), skip: String(skip) }).toString();
    const res = await fetch(url, { headers: { 'x-api-key': apiKey, accept: 'application/json' } }).catch((error: unknown) => {
      throw new Error(`cannot reach Kutt at ${url.origin}: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
    });
    if (!res.ok) throw new Error(`Kutt answered ${res.status} for ${url.pathname}${res.status === 401 ? ': check --api-key' : ''}`);
    const page = (await res.json()) as { data?: unknown; total?: unknown };
    const links = Array.isArray(page.data) ? (page.data as KuttLink[]) : [];
    links.forEach((link, i) => {
      const where = `link ${skip + i + 1}`;
      if (typeof link.address !== 'string' || typeof link.target !== 'string') {
        rows.push({ where, row: { refused: 'a Kutt link has a string address and target' } });
        return;
      }
      const title = typeof link.description === 'string' && link.description.trim() !== '' ? link.description : undefined;
      const createdAt = typeof link.created_at === 'string' ? sourceTime(link.created_at) : undefined;
      rows.push({ where, row: { link: { url: link.target, code: link.address, title }, createdAt } });
    });
    if (links.length < PAGE || (typeof page.total === 'number' && skip + PAGE >= page.total)) return rows;
  }
}
