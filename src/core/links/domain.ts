/** A host links live on besides the default one (the base URL's), or the default's redirects (host ''). */
export interface Domain {
  /** Lowercase host, with a port only if it was registered with one. */
  readonly host: string;
  /** Where a visit to the host's root (`/`) is sent. */
  readonly baseUrlRedirect: string | null;
  /** Where a visit to a code no link on the host has is sent. */
  readonly notFoundRedirect: string | null;
  readonly createdAt: number;
}

/** A domain as clients see it: the default one among them. */
export interface DomainEntry extends Omit<Domain, 'createdAt'> {
  readonly isDefault: boolean;
}

/** Storage port for domains. */
export interface DomainStore {
  /** Inserts the domain, or answers 'host-taken'. */
  insert(domain: Domain): Promise<Domain | 'host-taken'>;
  find(host: string): Promise<Domain | undefined>;
  /** Every domain, by host. */
  list(): Promise<Domain[]>;
  /** Stores the domain's redirects, adding it when it is not there (the default's row). */
  save(domain: Domain): Promise<void>;
  /** Deletes the domain unless a link still lives on it. */
  delete(host: string): Promise<'deleted' | 'missing' | 'has-links'>;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(?=[^:]{1,253}(?::|$))${LABEL}(?:\\.${LABEL})*(?::(\\d{1,5}))?$`);

/** A Host header's or a client's spelling of a host, compared as stored: lowercase, no trailing dot. */
export function canonicalHost(text: string): string {
  const lower = text.trim().toLowerCase();
  const colon = lower.lastIndexOf(':');
  const [name, port] = colon === -1 ? [lower, ''] : [lower.slice(0, colon), lower.slice(colon)];
  return `${name.replace(/\.+$/, '')}${port}`;
}

/** Whether a canonical host is a DNS name, optionally with a port 1-65535. */
export function isDomainHost(host: string): boolean {
  const match = HOST.exec(host);
  if (!match) return false;
  const port = match[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535 && !port.startsWith('0'));
}

/** The host without its port, if it has one. */
export function hostName(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
