import { linkKey } from '../core/links/link-key.js';
import { LRUCache } from 'lru-cache';
import type { LinkPulse } from '../composition-root.js';
import type { Link } from '../core/links/link.js';
import { canonicalTargetUrl } from '../core/links/url-rules.js';
import { boundedMemo } from '../core/shared/memo.js';
import { ConflictError, DomainError } from '../core/shared/errors.js';
import type { ImportItem, VisitOfLink } from './import-items.js';

export interface Refusal {
  readonly where: string;
  readonly reason: string;
}

export interface ImportSummary {
  readonly created: number;
  /** Links whose code exists with the same target: an earlier import's. */
  readonly already: number;
  readonly refused: readonly Refusal[];
  readonly visits: { readonly imported: number; readonly already: number; readonly skipped: number };
}

/** Told of each link and visit handled, and of how many more are coming. */
export interface ImportProgress {
  expect(count: number): void;
  done(count: number): void;
}

/**
 * Creates the source's links and stores their visits. A link whose code exists already with the same
 * target counts as already there; a visit goes to the link of its code only when that link sends
 * visitors to the source link's target (so never to an unrelated link that happens to share the code),
 * else it is skipped. Imported visits are rolled up before it returns, so reports read them at once.
 */
export async function runImport(lp: LinkPulse, items: AsyncIterable<ImportItem>, progress: ImportProgress): Promise<ImportSummary> {
  const refused: Refusal[] = [];
  let created = 0;
  let already = 0;
  const visits = { imported: 0, already: 0, skipped: 0 };
  // The links visits were last imported to: a source lists a link's visits together, or near.
  const links = new LRUCache<string, Link | 'none'>({ max: 10_000 });
  const linkOf = async (code: string): Promise<Link | undefined> => {
    let link = links.get(code);
    if (link === undefined) {
      link = await lp.links.find(linkKey(code)).catch((error: unknown) => {
        if (error instanceof DomainError) return 'none' as const;
        throw error;
      });
      links.set(code, link);
    }
    return link === 'none' ? undefined : link;
  };

  for await (const item of items) {
    if (item.kind === 'expect') {
      progress.expect(item.count);
    } else if (item.kind === 'link') {
      const { row, where } = item;
      progress.done(1);
      if ('refused' in row) {
        refused.push({ where, reason: row.refused });
        continue;
      }
      try {
        const link = await lp.links.create(row.link, { createdAt: row.createdAt });
        links.set(link.code, link);
        created++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const code = row.link.code;
        if (error instanceof ConflictError && code !== undefined && sameTarget(await linkOf(code), row.link.url)) already++;
        else refused.push({ where, reason: error.message });
      }
    } else {
      const batch: { link: Link; visit: VisitOfLink['visit'] }[] = [];
      for (const { code, url, visit } of item.visits) {
        const link = await linkOf(code);
        if (link !== undefined && sameTarget(link, url)) batch.push({ link, visit });
        else visits.skipped++;
      }
      const outcome = await lp.clickImport.importVisits(batch);
      visits.imported += outcome.imported;
      visits.already += outcome.already;
      visits.skipped += outcome.refused;
      progress.done(item.visits.length);
    }
  }
  await lp.clickImport.finish();
  await lp.roller.catchUp();
  return { created, already, refused, visits };
}

/** A source link's target as a link's `url` holds it; null when it cannot be one. */
const targetOf = boundedMemo((url: string): string | null => {
  try {
    return canonicalTargetUrl(url, []);
  } catch {
    return null;
  }
});

/** Whether `link` sends visitors where `url` would (an earlier import of the same source link). */
function sameTarget(link: Link | undefined, url: string | null): boolean {
  return link !== undefined && url !== null && link.url === targetOf(url);
}
