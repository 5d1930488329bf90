/**
 * The redirect target with the request's query string appended; the target's own
 * parameters and fragment are kept as they are.
 */
export function withForwardedQuery(target: string, requestSearch: string): string {
  const query = requestSearch.replace(/^\?/, '');
  if (query === '') return target;
  const hashAt = target.indexOf('#');
  const base = hashAt === -1 ? target : target.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : target.slice(hashAt);
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${joiner}${query}${hash}`;
}
