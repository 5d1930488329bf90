import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { Reader, type Response } from 'maxmind';
import { bundledCountryDatabase, MmdbGeoLookup } from '../../src/adapters/geoip.js';

it('finds countries in the bundled database, and nothing for private or malformed addresses', () => {
  const geo = new MmdbGeoLookup(bundledCountryDatabase());
  assert.equal(geo.country('8.8.8.8'), 'US');
  assert.equal(geo.country('81.2.69.160'), 'GB');
  assert.equal(geo.country('2001:4860:4860::8888'), 'US');
  for (const ip of ['127.0.0.1', '::1', 'not an ip', '']) assert.equal(geo.country(ip), null, ip);
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
    assert.equal(geo.country(ip), expected && /^[A-Z]{2}$/.test(expected) ? expected : null, ip);
    if (expected) countries.add(expected);
  }
  assert.ok(countries.size > 20, `${countries.size} countries`);
});
