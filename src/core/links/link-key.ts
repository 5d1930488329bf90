/** The default domain as links store it: the base URL's host, whatever that is now. */
export const DEFAULT_DOMAIN = '';

/** Which link: a code is unique on its domain ('' the default domain). */
export interface LinkKey {
  readonly domain: string;
  readonly code: string;
}

export function linkKey(code: string, domain: string = DEFAULT_DOMAIN): LinkKey {
  return { domain, code };
}

/** One string per key (caches, change notices): a host has no '/', so `host/code` is unambiguous. */
export function keyText(key: LinkKey): string {
  return `${key.domain}/${key.code}`;
}

/** The key keyText wrote. */
export function parseKeyText(text: string): LinkKey {
  const slash = text.indexOf('/');
  return slash === -1 ? linkKey(text) : linkKey(text.slice(slash + 1), text.slice(0, slash));
}

/** How a key names its link in messages. */
export function describeKey(key: LinkKey): string {
  return key.domain === DEFAULT_DOMAIN ? `"${key.code}"` : `"${key.code}" on ${key.domain}`;
}

/** The host a stored domain stands for, given the default domain's. */
export function hostOfDomain(domain: string, defaultHost: string): string {
  return domain === DEFAULT_DOMAIN ? defaultHost : domain;
}
