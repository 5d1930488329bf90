import type { Kysely, Selectable } from 'kysely';
import type { Domain, DomainStore } from '../../core/links/domain.js';
import type { Database, DomainsTable } from '../schema.js';
import { isUniqueViolation } from './errors.js';

export class SqlDomainStore implements DomainStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(domain: Domain): Promise<Domain | 'host-taken'> {
    try {
      await this.db.insertInto('domains').values({
        host: domain.host, base_url_redirect: domain.baseUrlRedirect, not_found_redirect: domain.notFoundRedirect, created_at: domain.createdAt,
      }).execute();
      return domain;
    } catch (error) {
      if (isUniqueViolation(error)) return 'host-taken';
      throw error;
    }
  }

  async find(host: string): Promise<Domain | undefined> {
    const row = await this.db.selectFrom('domains').selectAll().where('host', '=', host).executeTakeFirst();
    return row && toDomain(row);
  }

  async list(): Promise<Domain[]> {
    const rows = await this.db.selectFrom('domains').selectAll().orderBy('host').execute();
    return rows.map(toDomain);
  }

  async save(domain: Domain): Promise<void> {
    await this.db.insertInto('domains').values({
      host: domain.host, base_url_redirect: domain.baseUrlRedirect, not_found_redirect: domain.notFoundRedirect, created_at: domain.createdAt,
    }).onConflict((oc) => oc.column('host').doUpdateSet({ base_url_redirect: domain.baseUrlRedirect, not_found_redirect: domain.notFoundRedirect })).execute();
  }

  async delete(host: string): Promise<'deleted' | 'missing' | 'has-links'> {
    // One statement: the check for links and the delete see the same rows.
    const result = await this.db.deleteFrom('domains').where('host', '=', host)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('links').select('id').where('domain', '=', host)))).executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) return 'deleted';
    return (await this.find(host)) === undefined ? 'missing' : 'has-links';
  }
}

function toDomain(row: Selectable<DomainsTable>): Domain {
  return { host: row.host, baseUrlRedirect: row.base_url_redirect, notFoundRedirect: row.not_found_redirect, createdAt: Number(row.created_at) };
}
