import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DIMENSIONS } from '../../src/core/analytics/analytics-store.js';
import { decodeDims, encodeDims } from '../../src/storage/sql/rollup-dims.js';

const odd = ['FR', 'news.ycombinator.com', 'Mobile Safari', 'zh-Hant-TW', 'a"b', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000', 'é€😀', '\ud800', '123', '__proto__', 'x:/+()-'];

it('encodes dimension counts as JSON that decodes to the same counts, whatever the keys', () => {
  const dims = DIMENSIONS.map((_, d) => new Map<string | null, number>([[null, d + 1], ...odd.map((key, i): [string, number] => [`${key}${d}`, i + 1])]));
  dims[0]?.set('gone', 0);
  const text = encodeDims(dims);
  const parsed = JSON.parse(text) as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(parsed), [...DIMENSIONS]);
  assert.equal(parsed.countries?.gone, undefined, 'zero counts are left out');
  assert.equal(parsed.countries?.[''], 1, 'null is stored as ""');
  const decoded = decodeDims(text);
  dims[0]?.delete('gone');
  assert.deepEqual(decoded.map((counts) => new Map([...counts].sort())), dims.map((counts) => new Map([...counts].sort())));
});

it('encodes no counts as empty objects', () => {
  assert.deepEqual(JSON.parse(encodeDims(DIMENSIONS.map(() => new Map()))), Object.fromEntries(DIMENSIONS.map((d) => [d, {}])));
});

it('reads a row stored before a dimension existed as all its clicks not telling that dimension', () => {
  const older = JSON.stringify({ countries: { DE: 2, '': 1 }, referrers: {}, browsers: {}, os: {}, devices: { mobile: 2, desktop: 1 }, languages: {} });
  const decoded = decodeDims(older);
  assert.deepEqual([...(decoded[DIMENSIONS.indexOf('countries')] ?? [])], [['DE', 2], [null, 1]]);
  for (const dimension of ['regions', 'cities', 'utmSources', 'utmCampaigns', 'targets'] as const) {
    assert.deepEqual([...(decoded[DIMENSIONS.indexOf(dimension)] ?? [])], [[null, 3]], dimension);
  }
});
