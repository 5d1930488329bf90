import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketStart, buckets, defaultInterval } from '../../src/core/analytics/time-buckets.js';
import { instantOf } from '../../src/core/analytics/time-zone.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe('time buckets in IANA zones', () => {
  it('splits the Berlin fall-back night into 25 hourly buckets, the repeated hour twice', () => {
    const from = Date.parse('2026-10-24T22:00:00Z'); // local midnight, CEST
    const to = Date.parse('2026-10-25T23:00:00Z'); // next local midnight, CET
    const hours = buckets(from, to, 'hour', 'Europe/Berlin');
    assert.equal(hours.length, 25);
    assert.deepEqual(hours.slice(1, 5).map((b) => iso(b.start)), [
      '2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z',
    ]);
    for (const b of hours) assert.equal(b.to - b.from, H);
  });

  it('gives the Berlin spring-forward day 23 hours and its day bucket starts at local midnight', () => {
    const days = buckets(Date.parse('2026-03-28T12:00:00Z'), Date.parse('2026-03-31T00:00:00Z'), 'day', 'Europe/Berlin');
    assert.deepEqual(days.map((b) => iso(b.start)), ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
    assert.equal(days[1]!.to - days[1]!.from, 23 * H);
    assert.equal(days[0]!.from, Date.parse('2026-03-28T12:00:00Z'), 'the first bucket is clipped to the range');
  });

  it('aligns hours to half-hour offsets and weeks to Mondays', () => {
    assert.equal(iso(bucketStart(Date.parse('2026-11-26T10:10:00Z'), 'hour', 'Asia/Kolkata')), '2026-11-26T09:30:00.000Z');
    assert.equal(iso(bucketStart(Date.parse('2026-11-26T10:10:00Z'), 'week', 'UTC')), '2026-11-23T00:00:00.000Z');
    assert.equal(iso(bucketStart(Date.parse('2026-11-26T10:10:00Z'), 'month', 'America/New_York')), '2026-11-01T04:00:00.000Z');
  });

  it('maps a wall time skipped by DST to the end of the gap', () => {
    assert.equal(iso(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')), '2026-03-29T01:00:00.000Z');
    // Chile springs forward at midnight: that day starts at 01:00 local.
    const santiago = instantOf({ year: 2026, month: 9, day: 6, hour: 0, minute: 0 }, 'America/Santiago');
    assert.equal(iso(santiago), '2026-09-06T04:00:00.000Z');
  });

  it('covers every range without gaps or overlaps', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu']) {
      for (const interval of ['hour', 'day', 'week', 'month'] as const) {
        const from = Date.parse('2026-01-01T00:00:00Z');
        const to = Date.parse('2026-12-31T00:00:00Z');
        const list = interval === 'hour' ? buckets(from, from + 400 * H, interval, tz) : buckets(from, to, interval, tz);
        list.forEach((b, i) => {
          assert.ok(b.from < b.to, `${tz} ${interval} bucket ${i} is empty`);
          if (i > 0) assert.equal(b.from, list[i - 1]!.to, `${tz} ${interval} bucket ${i} does not follow`);
        });
      }
    }
  });

  it('picks an interval with at most 200 buckets', () => {
    assert.equal(defaultInterval(0, 30 * 86_400_000), 'day');
    assert.equal(defaultInterval(0, 2 * H), 'minute');
    assert.equal(defaultInterval(0, 5 * 86_400_000), 'hour');
  });
});
