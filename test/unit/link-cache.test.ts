import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Link } from '../../src/core/links/link.js';
import { LinkCache } from '../../src/core/links/link-cache.js';
import { linkKey } from '../../src/core/links/link-key.js';
import { ManualClock } from '../helpers/test-server.js';

const link = (code: string, maxClicks: number | null = null, domain = ''): Link => ({
  id: 1, code, domain, url: 'https://example.com/', title: null, tags: [], createdAt: 0, updatedAt: 0, expiresAt: null,
  maxClicks, redirectType: 302, disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants: [], clicks: 0,
});

describe('link cache', () => {
  it('serves an entry for less than its time to live', () => {
    const clock = new ManualClock(0);
    const cache = new LinkCache(clock, 1000);
    cache.set(link('a'));
    clock.advance(999);
    assert.equal(cache.get(linkKey('a'))?.code, 'a');
    clock.advance(1);
    assert.equal(cache.get(linkKey('a')), undefined);
  });

  it('never keeps links with a click budget, and forgets evicted and oldest entries', () => {
    const cache = new LinkCache(new ManualClock(0), 1000, 2);
    cache.set(link('budget', 5));
    assert.equal(cache.get(linkKey('budget')), undefined);
    cache.set(link('x'));
    cache.evict(linkKey('x'));
    assert.equal(cache.get(linkKey('x')), undefined);
    for (const code of ['p', 'q', 'r']) cache.set(link(code));
    assert.deepEqual(['p', 'q', 'r'].map((c) => cache.get(linkKey(c))?.code), [undefined, 'q', 'r']);
  });

  it('keys on the domain and the code: one code on two domains is two entries', () => {
    const cache = new LinkCache(new ManualClock(0), 1000);
    cache.set(link('same', null, ''));
    cache.set({ ...link('same', null, 'go.example.com'), url: 'https://example.com/other' });
    assert.equal(cache.get(linkKey('same'))?.url, 'https://example.com/');
    assert.equal(cache.get(linkKey('same', 'go.example.com'))?.url, 'https://example.com/other');
    cache.evict(linkKey('same', 'go.example.com'));
    assert.equal(cache.get(linkKey('same', 'go.example.com')), undefined);
    assert.equal(cache.get(linkKey('same'))?.domain, '');
  });
});
