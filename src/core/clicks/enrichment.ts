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

/** Offline IP → ISO 3166-1 alpha-2 country. */
export interface GeoLookup {
  country(ip: string): string | null;
}
