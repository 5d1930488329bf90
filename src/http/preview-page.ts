import type { LinkPreview } from '../core/links/link.js';
import { escapeHtml } from './html.js';

/**
 * The page a social network's crawler gets for a link with a preview: Open Graph and Twitter card
 * tags, and a refresh to the target for anyone else who lands on it.
 */
export function previewPage(preview: LinkPreview, shortUrl: string, target: string): string {
  const meta = (attribute: 'property' | 'name', key: string, value: string | null) =>
    (value === null ? '' : `<meta ${attribute}="${key}" content="${escapeHtml(value)}">`);
  return '<!doctype html><html><head><meta charset="utf-8">'
    + `<title>${escapeHtml(preview.title)}</title>`
    + meta('property', 'og:title', preview.title)
    + meta('property', 'og:description', preview.description)
    + meta('property', 'og:image', preview.image)
    + meta('property', 'og:url', shortUrl)
    + meta('property', 'og:type', 'website')
    + meta('name', 'twitter:card', preview.image === null ? 'summary' : 'summary_large_image')
    + meta('name', 'twitter:title', preview.title)
    + meta('name', 'twitter:description', preview.description)
    + meta('name', 'twitter:image', preview.image)
    + meta('name', 'description', preview.description)
    + `<meta http-equiv="refresh" content="0;url=${escapeHtml(target)}">`
    + `</head><body><a href="${escapeHtml(target)}">${escapeHtml(preview.title)}</a></body></html>`;
}
