import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { Reader, type Response } from 'maxmind';
import { bundledCountryDatabase, MAX_CITY_LENGTH, MmdbGeoLookup, NO_PLACE } from '../../src/adapters/geoip.js';
import { buildMmdb, cityRecord, writeCityMmdb, type CityNetwork, type MmdbValue } from '../helpers/city-mmdb.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
after(dir.cleanup);

/** Strings the reader would read as some address ("81.2.69" as 81.2.69.0), and plain junk. */
const MALFORMED = ['81.2.69', '81.2.69.160x', '81.2.69.160 ', ' 81.2.69.160', '81.2.69.160.5', '081.2.69.160', 'not an ip', '', 'zz::1', '2001:db8::1::2', '::ffff:81.2.69'];

describe('the bundled country database', () => {
  it('finds countries, no region or city, and nothing for private or malformed addresses', () => {
    const geo = new MmdbGeoLookup(bundledCountryDatabase());
    assert.deepEqual(geo.locate('8.8.8.8'), { country: 'US', region: null, city: null });
    assert.deepEqual(geo.locate('81.2.69.160'), { country: 'GB', region: null, city: null });
    assert.deepEqual(geo.locate('2001:4860:4860::8888'), { country: 'US', region: null, city: null });
    for (const ip of ['127.0.0.1', '::1', ...MALFORMED]) assert.equal(geo.locate(ip), NO_PLACE, ip);
    assert.ok(Object.isFrozen(NO_PLACE));
  });

  it('answers IPv6 lookups in an IPv4-only file with nothing', () => {
    const geo = new MmdbGeoLookup(bundledCountryDatabase().replace(/\.mmdb$/, '-ipv4.mmdb'));
    assert.equal(geo.locate('8.8.8.8').country, 'US');
    assert.equal(geo.locate('2001:4860:4860::8888'), NO_PLACE);
  });

  it('answers as an uncached reader does, however often records are looked up again', () => {
    const geo = new MmdbGeoLookup(bundledCountryDatabase());
    const plain = new Reader<Response & { country_code?: string }>(readFileSync(bundledCountryDatabase()));
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0);
    const ips = Array.from({ length: 5_000 }, () => `${next() % 224}.${next() % 256}.${next() % 256}.${next() % 256}`);
    const countries = new Set<string>();
    for (const ip of [...ips, ...ips]) {
      const expected = plain.get(ip)?.country_code ?? null;
      const country = expected && /^[A-Z]{2}$/.test(expected) ? expected : null;
      assert.deepEqual(geo.locate(ip), { country, region: null, city: null }, ip);
      if (expected) countries.add(expected);
    }
    assert.ok(countries.size > 20, `${countries.size} countries`);
  });
});

// Random networks for the City files: IPv4 ones (under ::/96 in the file) and global IPv6 ones (2000::/3),
// so the two never overlap. Addresses are 128-bit numbers here; an IPv4 one is below 2**32.
interface Network { readonly v4: boolean; readonly base: bigint; readonly prefix: number; readonly place: Omit<CityNetwork, 'cidr'> }

const bitsOf = (n: Network) => (n.v4 ? 32 : 128);
const hostMask = (n: Network) => (1n << BigInt(bitsOf(n) - n.prefix)) - 1n;
const contains = (n: Network, v4: boolean, address: bigint) => n.v4 === v4 && (address & ~hostMask(n)) === n.base;
const text = (v4: boolean, address: bigint) =>
  v4
    ? [24n, 16n, 8n, 0n].map((shift) => (address >> shift) & 0xffn).join('.')
    : Array.from({ length: 8 }, (_, i) => ((address >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
const cidrOf = (n: Network) => `${text(n.v4, n.base)}/${n.prefix}`;

const placeArb = fc.record(
  {
    country: fc.stringMatching(/^[A-Z]{2}$/),
    subdivision: fc.stringMatching(/^[A-Z0-9]{1,3}$/),
    city: fc.oneof(fc.stringMatching(/^[A-Z][a-z]{1,15}( [A-Z][a-z]{1,15})?$/), fc.string({ unit: 'grapheme', maxLength: 120 })),
  },
  { requiredKeys: ['country'] },
);
const networkArb: fc.Arbitrary<Network> = fc.oneof(
  fc.record({ v4: fc.constant(true), address: fc.bigInt(0n, 2n ** 32n - 1n), prefix: fc.integer({ min: 1, max: 32 }), place: placeArb }),
  fc.record({ v4: fc.constant(false), address: fc.bigInt(2n ** 125n, 2n ** 126n - 1n), prefix: fc.integer({ min: 3, max: 128 }), place: placeArb }),
).map(({ v4, address, prefix, place }) => {
  const network = { v4, base: 0n, prefix, place };
  return { ...network, base: address & ~hostMask(network) };
});
/** Addresses to look up: in each network (its first, its last, one inside), and anywhere. */
const probesArb = (networks: readonly Network[]) =>
  fc.tuple(
    fc.array(fc.bigInt(0n, 2n ** 128n - 1n), { minLength: networks.length, maxLength: networks.length }),
    fc.array(fc.bigInt(0n, 2n ** 32n - 1n), { maxLength: 20 }),
    fc.array(fc.bigInt(2n ** 125n, 2n ** 126n - 1n), { maxLength: 5 }),
  ).map(([inside, v4, v6]) => [
    ...networks.flatMap((n, i) => [n.base, n.base | hostMask(n), n.base | (inside[i]! & hostMask(n))].map((address) => ({ v4: n.v4, address }))),
    ...v4.map((address) => ({ v4: true, address })),
    ...v6.map((address) => ({ v4: false, address })),
  ]);
const filesArb = fc
  .tuple(fc.array(networkArb, { maxLength: 12 }), fc.constantFrom(24 as const, 28 as const))
  .chain(([networks, recordSize]) => fc.tuple(fc.constant(networks), fc.constant(recordSize), probesArb(networks)));

/** Where networks overlap, the later one wins (the writer's rule). */
const lastContaining = (networks: readonly Network[], v4: boolean, address: bigint) => networks.findLast((n) => contains(n, v4, address));

describe('City databases written by the test helper', () => {
  it('read back, by the maxmind package, as exactly the records written', () => {
    fc.assert(
      fc.property(filesArb, ([networks, recordSize, probes]) => {
        const file = buildMmdb(networks.map((n) => ({ cidr: cidrOf(n), record: cityRecord({ cidr: cidrOf(n), ...n.place }) })), { recordSize, databaseType: 'GeoIP2-City' });
        const reader = new Reader<Response>(file);
        for (const { v4, address } of probes) {
          const found = lastContaining(networks, v4, address);
          const [record, prefix] = reader.getWithPrefixLength(text(v4, address));
          assert.deepEqual(record, found ? cityRecord({ cidr: cidrOf(found), ...found.place }) : null, text(v4, address));
          // A network that overlaps no other is one record, as wide as written.
          if (found && networks.every((n) => n === found || !(contains(n, v4, found.base) || contains(found, n.v4, n.base)))) {
            assert.equal(prefix, found.prefix, text(v4, address));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('carry the metadata of a City file', () => {
    const { metadata } = new Reader(buildMmdb([{ cidr: '81.2.69.0/24', record: {} }], { recordSize: 28, databaseType: 'GeoIP2-City' }));
    assert.equal(metadata.binaryFormatMajorVersion, 2);
    assert.equal(metadata.binaryFormatMinorVersion, 0);
    assert.equal(metadata.databaseType, 'GeoIP2-City');
    assert.equal(metadata.ipVersion, 6);
    assert.equal(metadata.recordSize, 28);
    assert.deepEqual(metadata.languages, ['en']);
    assert.ok(Math.abs(metadata.buildEpoch.getTime() - Date.now()) < 60_000);
    // mmdb-lib's typings say a string; the spec (and the reader) a map of language to text.
    assert.deepEqual(metadata.description as unknown, { en: "GeoIP2-City database written by LinkPulse's tests" });
  });

  it('hold strings of every size class, numbers, arrays and compressed IPv6 networks', () => {
    const record: MmdbValue = { short: 'é', mid: 'x'.repeat(100), long: 'y'.repeat(1_000), huge: 'z'.repeat(70_000), numbers: [0, 1, 300, 70_000, 2 ** 32 - 1], nested: [[], {}] };
    const reader = new Reader<Response>(buildMmdb([{ cidr: '2001:db8::/32', record }, { cidr: '::ffff:81.2.69.0/120', record: 'mapped' }]));
    assert.deepEqual(reader.getWithPrefixLength('2001:db8:ffff::1'), [record, 32]);
    assert.equal(reader.get('2001:db9::'), null);
    assert.equal(reader.get('::ffff:81.2.69.9'), 'mapped');
    assert.equal(reader.get('81.2.69.9'), null); // IPv4 lives under ::/96, not ::ffff:0:0/96
  });
});

describe('MmdbGeoLookup on a City database', () => {
  it('gives country, region and city inside the networks, and nothing outside them', () => {
    fc.assert(
      fc.property(filesArb, ([networks, recordSize, probes]) => {
        const path = join(dir.path, 'random-city.mmdb');
        writeCityMmdb(path, networks.map((n) => ({ cidr: cidrOf(n), ...n.place })), { recordSize });
        const geo = new MmdbGeoLookup(path);
        for (const { v4, address } of probes) {
          const place = lastContaining(networks, v4, address)?.place;
          const city = place?.city?.trim() ?? '';
          if ([...city].length > MAX_CITY_LENGTH) continue; // cut to length: see below
          const expected = place
            ? { country: place.country, region: place.subdivision ? `${place.country}-${place.subdivision}` : null, city: city || null }
            : NO_PLACE;
          assert.deepEqual(geo.locate(text(v4, address)), expected, text(v4, address));
        }
      }),
      { numRuns: 100 },
    );
  });

  const path = join(dir.path, 'city.mmdb');
  writeCityMmdb(path, [
    { cidr: '81.2.69.0/24', country: 'DE', subdivision: 'BE', city: 'Berlin' },
    { cidr: '2001:db8::/32', country: 'FR', subdivision: '75', city: 'Paris' },
    { cidr: '192.0.2.0/26', country: 'GB', subdivision: 'ENG', city: '  London \n' },
    { cidr: '192.0.2.64/26', country: 'US', subdivision: 'California', city: '   ' },
    { cidr: '192.0.2.128/26', country: 'us', subdivision: 'CA', city: 'Mountain View' },
    { cidr: '192.0.2.192/27', country: 'IT', subdivision: 'be', city: 'x'.repeat(70_000) },
    { cidr: '192.0.2.224/27', country: 'JP', city: ` ${'東京'.repeat(60)}` },
    { cidr: '198.51.100.0/24', country: 'ES', city: `${'a'.repeat(99)}😀b` },
  ]);

  it('reads a place per network, and checks and trims what the file says', () => {
    const geo = new MmdbGeoLookup(path);
    assert.deepEqual(geo.locate('81.2.69.160'), { country: 'DE', region: 'DE-BE', city: 'Berlin' });
    assert.deepEqual(geo.locate('2001:db8:1::7'), { country: 'FR', region: 'FR-75', city: 'Paris' });
    assert.deepEqual(geo.locate('192.0.2.1'), { country: 'GB', region: 'GB-ENG', city: 'London' });
    assert.deepEqual(geo.locate('192.0.2.65'), { country: 'US', region: null, city: null });
    assert.deepEqual(geo.locate('192.0.2.129'), { country: null, region: null, city: 'Mountain View' });
    assert.deepEqual(geo.locate('192.0.2.200'), { country: 'IT', region: null, city: 'x'.repeat(MAX_CITY_LENGTH) });
    assert.deepEqual(geo.locate('192.0.2.230'), { country: 'JP', region: null, city: '東京'.repeat(50) });
    // 100 code points, the emoji whole rather than half a surrogate pair
    assert.deepEqual(geo.locate('198.51.100.1'), { country: 'ES', region: null, city: `${'a'.repeat(99)}😀` });
  });

  it('answers nothing, as one shared object, outside the networks and for malformed addresses', () => {
    const geo = new MmdbGeoLookup(path);
    for (const ip of ['81.2.70.1', '81.2.68.255', '8.8.8.8', '0.0.0.0', '2001:db9::1', '::1', ...MALFORMED]) {
      assert.equal(geo.locate(ip), NO_PLACE, ip);
    }
  });

  it('builds each place once, and shares it frozen', () => {
    const geo = new MmdbGeoLookup(path);
    const berlin = geo.locate('81.2.69.1');
    assert.equal(geo.locate('81.2.69.254'), berlin);
    assert.ok(Object.isFrozen(berlin));
  });

  it('finds no place in a record that has none, nor in one of another kind', () => {
    const other = join(dir.path, 'other.mmdb');
    writeFileSync(other, buildMmdb([
      { cidr: '81.2.69.0/25', record: {} },
      { cidr: '81.2.69.128/26', record: 'a string' },
      { cidr: '81.2.69.192/26', record: { country: 'DE', subdivisions: 'BE', city: { names: 7 } } },
    ]));
    const geo = new MmdbGeoLookup(other);
    for (const ip of ['81.2.69.1', '81.2.69.129', '81.2.69.193']) assert.equal(geo.locate(ip), NO_PLACE, ip);
  });
});
