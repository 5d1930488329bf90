import assert from 'node:assert/strict';
import { it } from 'node:test';
import { worldShapes } from '../../ui/map/world-shapes.js';

const xs = (d: string) => [...d.matchAll(/[ML](-?[\d.]+),/g)].map((m) => Number(m[1]));

it('gives every country of the atlas one shape under its ISO alpha-2 code, Antarctica left out', () => {
  const { countries, width, height } = worldShapes();
  const codes = countries.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length, 'one shape per code');
  assert.ok(codes.every((code) => /^[A-Z]{2}$/.test(code)), codes.join(' '));
  assert.ok(countries.length > 170);
  for (const [code, name] of [['US', 'United States of America'], ['DE', 'Germany'], ['XK', 'Kosovo'], ['CY', 'Cyprus'], ['SO', 'Somalia'], ['NZ', 'New Zealand']]) {
    assert.equal(countries.find((c) => c.code === code)?.name, name);
  }
  assert.equal(codes.includes('AQ'), false);
  assert.equal(width, 1000);
  assert.ok(height > 350 && height < 500, `height ${height}`);
});

it('draws Russia and Fiji on both sides of the antimeridian (clipped to the globe), and Germany near the middle', () => {
  const { countries, width } = worldShapes();
  const x = (code: string) => xs(countries.find((c) => c.code === code)?.d ?? '');
  const within = (code: string, from: number, to: number) => x(code).some((v) => v >= from * width && v <= to * width);
  // Chukotka, east of 180°, on the left edge at its latitude; the rest of Russia on the right.
  assert.ok(within('RU', 0.1, 0.15) && within('RU', 0.85, 0.9));
  assert.ok(within('FJ', 0, 0.02) && within('FJ', 0.98, 1));
  assert.ok(x('DE').every((v) => v > 0.45 * width && v < 0.6 * width));
  // No edge runs across the map from one side of the antimeridian to the other.
  for (const { code, d } of countries) {
    for (const ring of d.split('M').slice(1)) {
      const rx = xs(`M${ring}`);
      assert.ok(rx.every((v, i) => i === 0 || Math.abs(v - (rx[i - 1] ?? v)) < width / 2), code);
    }
  }
});
