import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storedIp } from '../../src/core/clicks/ip-policy.js';
import { parseReferrer, primaryLanguage } from '../../src/core/clicks/request-facts.js';
import { withForwardedQuery } from '../../src/core/links/target-url.js';

describe('facts taken from a redirect request', () => {
  it('reads the preferred primary language', () => {
    assert.equal(primaryLanguage('de-CH,de;q=0.9,en;q=0.8'), 'de');
    assert.equal(primaryLanguage('en;q=0.2, fr;q=0.9'), 'fr');
    assert.equal(primaryLanguage('*'), null);
    assert.equal(primaryLanguage('<script>'), null);
    assert.equal(primaryLanguage(undefined), null);
  });

  it('keeps a referrer only when it is an http(s) URL', () => {
    assert.deepEqual(parseReferrer('https://www.Example.com/a?b'), { referrer: 'https://www.example.com/a?b', referrerHost: 'www.example.com' });
    assert.deepEqual(parseReferrer('http://t.co/x'), { referrer: 'http://t.co/x', referrerHost: 't.co' });
    for (const other of ['not a url', 'javascript:alert(1)', 'data:text/html,<script>', 'file:///etc/passwd', 'ftp://x.example/']) {
      assert.deepEqual(parseReferrer(other), { referrer: null, referrerHost: null }, other);
    }
    assert.deepEqual(parseReferrer(undefined), { referrer: null, referrerHost: null });
  });

  it('stores IPs fully, as networks, or not at all', () => {
    assert.equal(storedIp('203.0.113.77', 'full'), '203.0.113.77');
    assert.equal(storedIp('203.0.113.77', 'anonymized'), '203.0.113.0');
    assert.equal(storedIp('2001:db8:abcd:12:1::7', 'anonymized'), '2001:db8:abcd::');
    assert.equal(storedIp('::ffff:198.51.100.9', 'anonymized'), '198.51.100.0');
    assert.equal(storedIp('2001:db8::1', 'anonymized'), '2001:db8:0::');
    assert.equal(storedIp('203.0.113.77', 'none'), null);
    for (const junk of ['garbage<script>', '', '1.2.3', '203.0.113.77, 10.0.0.1']) {
      for (const policy of ['full', 'anonymized', 'none'] as const) assert.equal(storedIp(junk, policy), null, `${policy} ${junk}`);
    }
  });

  it('appends the request query to the target, keeping its own parameters and fragment', () => {
    assert.equal(withForwardedQuery('https://e.com/p?a=1#top', '?b=2'), 'https://e.com/p?a=1&b=2#top');
    assert.equal(withForwardedQuery('https://e.com/p', '?b=2&c'), 'https://e.com/p?b=2&c');
    assert.equal(withForwardedQuery('https://e.com/p?', 'b=2'), 'https://e.com/p?b=2');
    assert.equal(withForwardedQuery('https://e.com/p', ''), 'https://e.com/p');
  });
});
