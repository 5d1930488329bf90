import assert from 'node:assert/strict';
import { it } from 'node:test';
import { VisitorSketch } from '../../src/core/analytics/visitor-sketch.js';

function sketchOf(ids: Iterable<string>): VisitorSketch {
  const sketch = new VisitorSketch();
  for (const id of ids) sketch.add(id);
  return sketch;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `visitor-${from + i}`);

it('counts small sets exactly, repeats once, and survives encoding', () => {
  const sketch = sketchOf([...range(0, 256), ...range(0, 256)]);
  assert.equal(sketch.estimate(), 256);
  assert.equal(VisitorSketch.decode(sketch.encode()).estimate(), 256);
});

it('merges sketches as a union, exact or estimated', () => {
  const union = VisitorSketch.decode(sketchOf(range(0, 200)).encode());
  union.merge(sketchOf(range(100, 250)).encode());
  assert.equal(union.estimate(), 250);
  const big = sketchOf(range(0, 60_000));
  big.merge(sketchOf(range(30_000, 100_000)).encode());
  big.merge(sketchOf(range(0, 10)).encode());
  const error = Math.abs(big.estimate() - 100_000) / 100_000;
  assert.ok(error < 0.05, `estimate ${big.estimate()} for 100000`);
});

it('stays within a few percent across sizes', () => {
  for (const n of [600, 5_000, 1_000_000]) {
    const estimate = VisitorSketch.decode(sketchOf(range(0, n)).encode()).estimate();
    assert.ok(Math.abs(estimate - n) / n < 0.05, `estimate ${estimate} for ${n}`);
  }
});

it('adds to an encoded sketch as decoding, merging and encoding would, registers in place', () => {
  const cases: [string[], string[]][] = [
    [range(0, 100), range(50, 150)], // exact into exact
    [range(0, 200), range(150, 400)], // exact into exact, past the exact limit
    [range(0, 5_000), range(4_000, 4_100)], // exact into registers
    [range(0, 5_000), range(3_000, 9_000)], // registers into registers
  ];
  for (const [stored, added] of cases) {
    const expected = VisitorSketch.decode(sketchOf(stored).encode());
    expected.mergeSketch(sketchOf(added));
    const bytes = sketchOf(stored).encode();
    const merged = sketchOf(added).addToEncoded(bytes);
    assert.deepEqual(merged, expected.encode());
    assert.equal(VisitorSketch.estimateEncoded(merged), expected.estimate());
    if (stored.length > 256) assert.equal(merged, bytes, 'registers are changed in place');
  }
  assert.deepEqual(sketchOf(range(0, 3)).addToEncoded(undefined), sketchOf(range(0, 3)).encode());
});
