import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Click } from '../../ui/api.js';
import { refreshDelay } from '../../ui/refresh-delay.js';
import { clickPasses, filterValueOf, parseFilter } from '../../ui/view/filters.js';
import { dayAfter, DEFAULT_VIEW, effectiveInterval, parseView, rangeSpan, reportParams, viewSearch, type View } from '../../ui/view/view-state.js';

describe('the dashboard view in the URL', () => {
  it('reads back what it wrote, for any view', () => {
    const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const view = fc.record({
      range: fc.constantFrom('1h', '24h', '7d', '30d', '90d', 'custom'),
      from: date, to: date,
      interval: fc.constantFrom('', 'minute', 'hour', 'day', 'week', 'month'),
      bots: fc.constantFrom('include', 'exclude', 'only'),
      compare: fc.constantFrom('', 'previous', 'year'),
      filters: fc.record({ country: fc.constantFrom('DE', '!US,CA'), utmSource: fc.string({ minLength: 1 }).filter((s) => s.trim() === s) }, { requiredKeys: [] }),
    }).map((v) => ({ ...v, filters: { ...v.filters }, from: v.range === 'custom' ? v.from : '', to: v.range === 'custom' ? v.to : '' }) as View);
    fc.assert(fc.property(view, (v) => assert.deepEqual(parseView(viewSearch(v)), v)));
  });

  it('leaves defaults out of the URL, and ignores what it does not know', () => {
    assert.equal(viewSearch(DEFAULT_VIEW), '');
    assert.deepEqual(parseView('?range=2y&bots=maybe&interval=second&compare=never&q=x'), DEFAULT_VIEW);
  });

  it('asks for the custom range with To included: the API\'s to is the next day', () => {
    assert.equal(dayAfter('2026-02-28'), '2026-03-01');
    assert.equal(dayAfter('2028-12-31'), '2029-01-01');
    const q = reportParams({ ...DEFAULT_VIEW, range: 'custom', from: '2026-03-01', to: '2026-03-01' });
    assert.equal(q.get('from'), '2026-03-01');
    assert.equal(q.get('to'), '2026-03-02');
  });

  it('asks for an interval only where the API accepts it for the range', () => {
    assert.equal(effectiveInterval({ ...DEFAULT_VIEW, range: '1h', interval: 'minute' }), 'minute');
    assert.equal(effectiveInterval({ ...DEFAULT_VIEW, range: '24h', interval: 'minute' }), '');
    assert.equal(effectiveInterval({ ...DEFAULT_VIEW, range: '30d', interval: 'hour' }), 'hour');
    assert.equal(effectiveInterval({ ...DEFAULT_VIEW, range: '90d', interval: 'hour' }), '');
    assert.ok(rangeSpan({ ...DEFAULT_VIEW, range: 'custom', from: '2026-03-01', to: '2026-03-01' }) >= 23 * 3_600_000);
  });
});

describe('dashboard filters', () => {
  it('filters on a breakdown key only where the API can say it', () => {
    assert.equal(filterValueOf(null), '(none)');
    assert.equal(filterValueOf('news.ycombinator.com'), 'news.ycombinator.com');
    for (const unsayable of ['a,b', '!x', '(none)', ' padded', '']) assert.equal(filterValueOf(unsayable), undefined);
    assert.deepEqual(parseFilter('!US,(none)'), { negate: true, values: ['US', null] });
  });

  it('lets a live click through only when the applied filters would count it', () => {
    const click = { country: 'DE', referrerHost: null, utmSource: 'mail' } as Click;
    assert.equal(clickPasses({ country: ['DE', 'FR'] }, click), true);
    assert.equal(clickPasses({ country: ['!DE'] }, click), false);
    assert.equal(clickPasses({ referrerHost: ['(none)'], utmSource: ['mail'] }, click), true);
    assert.equal(clickPasses({ referrerHost: ['!(none)'] }, click), false);
    assert.equal(clickPasses({ tag: ['q4'] }, click), true, 'link-level filters are the stream\'s, not the click\'s');
  });
});

describe('refetching unique visitors during live traffic', () => {
  it('waits for a pause, but never more than 10 s after the first click it has not refetched', () => {
    assert.equal(refreshDelay(0, 0), 2000);
    // A click every second: each one pushes the refetch back, until the first is 10 s old.
    assert.equal(refreshDelay(0, 7000), 2000);
    assert.equal(refreshDelay(0, 9000), 1000);
    assert.equal(refreshDelay(0, 12_000), 0);
  });
});
