import type { Kysely } from 'kysely';
import type { NewShare, Share, ShareStore } from '../../core/shares/share.js';
import type { Database } from '../schema.js';

export class SqlShareStore implements ShareStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(share: NewShare): Promise<void> {
    await this.db.insertInto('link_shares').values({
      id: share.id, link_id: share.linkId, created_at: share.createdAt, expires_at: share.expiresAt,
    }).execute();
  }

  async find(id: string): Promise<Share | undefined> {
    const row = await this.shares().where('link_shares.id', '=', id).executeTakeFirst();
    return row && toShare(row);
  }

  async list(linkId?: number): Promise<Share[]> {
    let query = this.shares();
    if (linkId !== undefined) query = query.where('link_shares.link_id', '=', linkId);
    const rows = await query.orderBy('link_shares.created_at', 'desc').orderBy('link_shares.id').execute();
    return rows.map(toShare);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('link_shares').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private shares() {
    return this.db.selectFrom('link_shares').innerJoin('links', 'links.id', 'link_shares.link_id')
      .select(['link_shares.id', 'link_shares.link_id', 'links.code', 'links.domain', 'link_shares.created_at', 'link_shares.expires_at']);
  }
}

interface ShareRow {
  id: string;
  link_id: number;
  code: string;
  domain: string;
  created_at: number | string;
  expires_at: number | string | null;
}

// pg answers bigint columns as strings.
function toShare(row: ShareRow): Share {
  return {
    id: row.id, linkId: Number(row.link_id), code: row.code, domain: row.domain, createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}
