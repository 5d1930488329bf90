import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Link } from '../../src/core/links/link.js';
import { chooseTarget, type VisitFacts } from '../../src/core/links/targeting.js';

const link = (variants: { url: string; weight: number }[]): Link => ({
  id: 7, code: 'ab', domain: '', url: 'https://example.com/', title: null, tags: [], createdAt: 0, updatedAt: 0, expiresAt: null, maxClicks: null,
  redirectType: 302, disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants, clicks: 0,
});
const visit = (visitorId: string): VisitFacts => ({
  device: 'desktop', os: null, browser: null, country: null, language: null, ip: '8.8.8.8', search: '', now: 0, visitorId,
});

describe('A/B variants', () => {
  it('split 10,000 visitors by weight, within statistical bounds, each visitor always to the same variant', () => {
    const split = link([{ url: 'https://a.example/', weight: 7 }, { url: 'https://b.example/', weight: 2 }, { url: 'https://c.example/', weight: 1 }]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const visitor = randomBytes(16).toString('base64url');
      const target = chooseTarget(split, visit(visitor));
      assert.equal(chooseTarget(split, visit(visitor)), target, 'sticky');
      counts.set(target, (counts.get(target) ?? 0) + 1);
    }
    // Each share within 5 standard deviations of its weight (a false alarm about once in 1.7 million runs).
    for (const [url, weight] of [['https://a.example/', 0.7], ['https://b.example/', 0.2], ['https://c.example/', 0.1]] as const) {
      const expected = 10_000 * weight;
      const sd = Math.sqrt(10_000 * weight * (1 - weight));
      const got = counts.get(url) ?? 0;
      assert.ok(Math.abs(got - expected) < 5 * sd, `${url}: ${got} of 10,000, expected ${expected} ± ${Math.round(5 * sd)}`);
    }
  });
});
