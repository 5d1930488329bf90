import type { Campaign } from './campaign.js';

export const DEVICES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;
export type Device = (typeof DEVICES)[number];

/** What every visit records about its visitor, whether a link answered it or not. */
export interface VisitFields {
  readonly at: number;
  /** As the IP policy keeps it. */
  readonly ip: string | null;
  readonly country: string | null;
  /** ISO 3166-2 subdivision, e.g. "DE-BE", where the GeoIP database has it. */
  readonly region: string | null;
  readonly city: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly device: Device;
  readonly bot: boolean;
  readonly referrer: string | null;
  readonly referrerHost: string | null;
  readonly language: string | null;
  readonly userAgent: string | null;
  readonly visitorId: string;
}

/** One recorded redirect: a visit's fields, its link and where it was sent. `at` is epoch milliseconds. */
export interface Click extends VisitFields, Campaign {
  readonly id: number;
  readonly linkId: number;
  /** The URL the visitor was sent to, without the forwarded query string. */
  readonly target: string | null;
}

export type NewClick = Omit<Click, 'id'>;

/** A stored click with the code and domain ('' the default) of its link, as live listeners receive it. */
export interface ClickRecorded {
  readonly code: string;
  readonly domain: string;
  readonly click: Click;
}
