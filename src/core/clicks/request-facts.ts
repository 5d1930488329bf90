const MAX_REFERRER_LENGTH = 2048;
const LANGUAGE_TAG = /^[a-z]{2,3}$/;

/** The referrer if it is an http(s) URL, capped, and its host. Anything else counts as no referrer. */
export function parseReferrer(header: string | undefined): { referrer: string | null; referrerHost: string | null } {
  if (!header) return { referrer: null, referrerHost: null };
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return { referrer: null, referrerHost: null };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { referrer: null, referrerHost: null };
  return {
    referrer: url.href.slice(0, MAX_REFERRER_LENGTH),
    referrerHost: url.hostname === '' ? null : url.hostname.slice(0, 255),
  };
}

/** The primary subtag of the most preferred language, e.g. "de" for "de-CH,de;q=0.9,en;q=0.5". */
export function primaryLanguage(header: string | undefined): string | null {
  if (!header) return null;
  let best: { tag: string; q: number } | undefined;
  for (const part of header.split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const tag = range.trim().split('-')[0]?.toLowerCase() ?? '';
    if (!LANGUAGE_TAG.test(tag) || !(q > 0)) continue;
    if (best === undefined || q > best.q) best = { tag, q };
  }
  return best?.tag ?? null;
}
