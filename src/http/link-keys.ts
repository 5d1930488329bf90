import { Type } from 'typebox';
import type { DomainService } from '../core/links/domain-service.js';
import type { LinkKey } from '../core/links/link-key.js';
import { ValidationError } from '../core/shared/errors.js';

const DOMAIN_HELP = 'The host the link lives on (e.g. go.example.com); none: the default domain (the base URL\'s host)';

export const DomainParam = Type.String({ maxLength: 300, description: DOMAIN_HELP, examples: ['go.example.com'] });

/** `?domain=` of a route that names a link by its code. */
export const DomainQuery = Type.Object({ domain: Type.Optional(DomainParam) });

/**
 * The link a route names: `code` on the `?domain=` host. On report and click routes `domain` is also a
 * filter's name, so it may arrive repeated; naming the link's host, it takes one value.
 */
export function linkKeyOf(domains: DomainService, code: string, domain: string | readonly string[] | undefined): LinkKey {
  if (Array.isArray(domain)) throw ValidationError.field('domain', `is given ${domain.length} times: name the link's host once`);
  return domains.key(code, domain as string | undefined);
}
