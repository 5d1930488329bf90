import { DEFAULT_DOMAIN } from '../links/link-key.js';
import type { Link } from '../links/link.js';
import { toLinkView } from '../links/link-view.js';
import type { WebhookEvent } from './webhook.js';

/** A link as a link event keeps it: everything but its password's hash. */
type LinkSnapshot = Omit<Link, 'passwordHash'> & { readonly hasPassword: boolean };

// Stands for "has a password" when a snapshot is shown: the hash itself is never copied.
const PASSWORD_SET = '(set)';

/** What a link event's delivery stores: the link as its change left it (as it was, when deleted). */
export function linkEventPayload(link: Link): string {
  const { passwordHash, ...rest } = link;
  const snapshot: LinkSnapshot = { ...rest, hasPassword: passwordHash !== null };
  return JSON.stringify(snapshot);
}

/** A clicks.recorded event's data, from its clicks as JSON joined by commas (WebhookStore.clicksJson). */
export function clicksEventData(clicksJson: string): string {
  return `{"clicks":[${clicksJson}]}`;
}

/** The body a delivery posts: `{type, timestamp, data}`; `payload` is a clicks event's data or the link event's snapshot. */
export function eventBody(type: WebhookEvent, createdAt: number, payload: string, baseUrl: string): string {
  const timestamp = new Date(createdAt).toISOString();
  if (type === 'clicks.recorded') return `{"type":"${type}","timestamp":"${timestamp}","data":${payload}}`;
  const { hasPassword, ...link } = JSON.parse(payload) as LinkSnapshot;
  // Events stored before links had domains were on the default domain.
  const data = toLinkView({ ...link, domain: link.domain ?? DEFAULT_DOMAIN, passwordHash: hasPassword ? PASSWORD_SET : null }, baseUrl);
  return JSON.stringify({ type, timestamp, data });
}
