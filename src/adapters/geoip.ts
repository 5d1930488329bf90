import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import { Reader, type Response } from 'maxmind';
import type { GeoLookup, GeoPlace } from '../core/clicks/enrichment.js';
import { cappedText } from '../core/shared/text.js';

const require = createRequire(import.meta.url);

/** The CC0 country database shipped by npm: nothing is downloaded at install or run time. */
export function bundledCountryDatabase(): string {
  return require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

/** Nowhere known: one object for every such lookup, frozen since it is shared. */
export const NO_PLACE: GeoPlace = Object.freeze({ country: null, region: null, city: null });

export const MAX_CITY_LENGTH = 100;

// What a file may hold is not ours to trust: every field read is checked, hence `unknown`.
type PlaceRecord = Response & {
  country_code?: unknown;
  country?: { iso_code?: unknown };
  subdivisions?: readonly { iso_code?: unknown }[];
  city?: { names?: { en?: unknown } };
};

/** Reads an .mmdb into memory once; lookups are then synchronous and fast. */
export class MmdbGeoLookup implements GeoLookup {
  private readonly reader: Reader<PlaceRecord>;
  private readonly ipv4Only: boolean;
  // The reader hands back the same record object while its cache holds it: build its place once. A
  // WeakMap lets a place go with its record when the cache drops that.
  private readonly places = new WeakMap<object, GeoPlace>();

  constructor(path: string) {
    // Decoded records by their place in the file: a country file has a few hundred of them, so a
    // lookup need not build a new record for every click (a City file has more: hence the bound).
    const records = new LRUCache<string | number, object>({ max: 10_000 });
    this.reader = new Reader<PlaceRecord>(readFileSync(path), { cache: records });
    this.ipv4Only = this.reader.metadata.ipVersion === 4;
  }

  locate(ip: string): GeoPlace {
    // The reader does not validate: it reads "81.2.69" as 81.2.69.0 and "8.8.8.8 " as 8.8.8.8. And an
    // IPv4-only file answers IPv6 lookups with nonsense rather than nothing.
    if (ip.includes(':') ? this.ipv4Only || !isIPv6(ip) : !isIPv4(ip)) return NO_PLACE;
    let record: PlaceRecord | null;
    try {
      record = this.reader.get(ip);
    } catch {
      return NO_PLACE; // a damaged file: no place rather than a failed redirect
    }
    if (typeof record !== 'object' || record === null) return NO_PLACE;
    let place = this.places.get(record);
    if (place === undefined) this.places.set(record, (place = placeOf(record)));
    return place;
  }
}

function placeOf(record: PlaceRecord): GeoPlace {
  // ip-location-db files say `country_code`; MaxMind's GeoLite2/GeoIP2 files say `country.iso_code`.
  const code = record.country_code ?? record.country?.iso_code;
  const country = typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
  // ISO 3166-2 codes are the country's and up to 3 letters or digits: "DE-BE", "FR-75", "GB-ENG".
  const subdivision = record.subdivisions?.[0]?.iso_code;
  const region = country !== null && typeof subdivision === 'string' && /^[A-Z0-9]{1,3}$/.test(subdivision) ? `${country}-${subdivision}` : null;
  const name = record.city?.names?.en;
  const city = typeof name === 'string' ? cappedText(name, MAX_CITY_LENGTH) : null;
  return country === null && region === null && city === null ? NO_PLACE : Object.freeze({ country, region, city });
}
