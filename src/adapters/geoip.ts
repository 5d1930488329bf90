import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import { Reader, type Response } from 'maxmind';
import type { GeoLookup } from '../core/clicks/enrichment.js';

const require = createRequire(import.meta.url);

/** The CC0 country database shipped by npm: nothing is downloaded at install or run time. */
export function bundledCountryDatabase(): string {
  return require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

type CountryRecord = Response & {
  country_code?: string;
  country?: { iso_code?: string };
};

/** Reads an .mmdb into memory once; lookups are then synchronous and fast. */
export class MmdbGeoLookup implements GeoLookup {
  private readonly reader: Reader<CountryRecord>;
  private readonly ipv4Only: boolean;

  constructor(path: string) {
    // Decoded records by their place in the file: a country file has a few hundred of them, so a
    // lookup need not build a new record for every click (a City file has more: hence the bound).
    const records = new LRUCache<string | number, object>({ max: 10_000 });
    this.reader = new Reader<CountryRecord>(readFileSync(path), { cache: records });
    this.ipv4Only = this.reader.metadata.ipVersion === 4;
  }

  country(ip: string): string | null {
    // An IPv4-only file answers IPv6 lookups with nonsense rather than nothing.
    if (this.ipv4Only && ip.includes(':')) return null;
    let record: CountryRecord | null;
    try {
      record = this.reader.get(ip);
    } catch {
      return null; // not an IP address
    }
    // ip-location-db files say `country_code`; MaxMind's GeoLite2/City files say `country.iso_code`.
    const code = record?.country_code ?? record?.country?.iso_code;
    return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
  }
}
