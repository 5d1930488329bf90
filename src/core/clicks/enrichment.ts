import type { Device } from './click.js';

/** What a user agent tells us. */
export interface UserAgentInfo {
  readonly browser: string | null;
  readonly os: string | null;
  readonly device: Device;
  readonly bot: boolean;
}

export interface UserAgentParser {
  parse(userAgent: string): UserAgentInfo;
}

/** Where an IP address is, as far as the GeoIP database tells. */
export interface GeoPlace {
  /** ISO 3166-1 alpha-2. */
  readonly country: string | null;
  /** ISO 3166-2 subdivision code, e.g. "DE-BE" (a City database only). */
  readonly region: string | null;
  /** The city's English name (a City database only). */
  readonly city: string | null;
}

/** Offline IP → place. */
export interface GeoLookup {
  locate(ip: string): GeoPlace;
}
