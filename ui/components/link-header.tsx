import { useState } from 'preact/hooks';
import type { Link } from '../api.js';
import { formatNumber } from '../format.js';

/** The link itself: title, short URL with a copy button, target, tags, and its live click counter. */
export function LinkHeader({ link, status }: { link: Link; status: 'live' | 'reconnecting' }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard.writeText(link.shortUrl).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <section class="card link-head">
      <div>
        <h1>{link.title ?? link.code} {link.disabled && <span class="badge">disabled</span>}</h1>
        <p class="short">
          <a href={link.shortUrl} target="_blank" rel="noopener noreferrer" data-testid="short-url">{link.shortUrl}</a>
          <button type="button" class="secondary" onClick={() => void copy()} aria-live="polite">{copied ? 'Copied' : 'Copy'}</button>
        </p>
        <p class="target">→ <span data-testid="target-url">{link.url}</span></p>
        {link.tags.length > 0 && <p class="tags">{link.tags.map((t) => <span class="tag" key={t}>{t}</span>)}</p>}
      </div>
      <div class="counter">
        <strong data-testid="live-counter">{formatNumber(link.clicks)}</strong>
        <span>clicks in all</span>
        <span class={`status ${status}`} data-testid="live-status">{status === 'live' ? '● live' : '○ reconnecting'}</span>
      </div>
    </section>
  );
}
