export const DEVICES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;
export type Device = (typeof DEVICES)[number];

/** One recorded redirect. `at` is epoch milliseconds. */
export interface Click {
  readonly id: number;
  readonly linkId: number;
  readonly at: number;
  readonly ip: string | null;
  readonly country: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly device: Device;
  readonly bot: boolean;
  readonly referrer: string | null;
  readonly referrerHost: string | null;
  readonly language: string | null;
  readonly userAgent: string | null;
  readonly visitorId: string;
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  readonly utmTerm: string | null;
  readonly utmContent: string | null;
  /** ISO 3166-2 subdivision, e.g. "DE-BE", where the GeoIP database has it. */
  readonly region: string | null;
  readonly city: string | null;
  /** The URL the visitor was sent to, without the forwarded query string. */
  readonly target: string | null;
}

export type NewClick = Omit<Click, 'id'>;

/** A stored click with the code of its link, as live listeners receive it. */
export interface ClickRecorded {
  readonly code: string;
  readonly click: Click;
}
