import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalTargetUrl, MAX_URL_LENGTH } from '../../src/core/links/url-rules.js';
import { ValidationError } from '../../src/core/shared/errors.js';

const OWN = ['sho.rt', 'localhost:8080'];
const refused = (input: string) => assert.throws(() => canonicalTargetUrl(input, OWN), (e) => e instanceof ValidationError && e.errors[0]?.field === 'url');

describe('target URL rules', () => {
  it('stores IDN hosts as punycode and keeps the rest canonical', () => {
    assert.equal(canonicalTargetUrl('  https://bücher.example/straße?q=ä#frag ', OWN), 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4#frag');
    assert.equal(canonicalTargetUrl('HTTP://Example.COM', OWN), 'http://example.com/');
  });

  it('refuses other schemes, credentials, loops, junk and overlong URLs', () => {
    for (const bad of ['ftp://example.com/', 'javascript:alert(1)', 'data:text/html,x', 'https://user:pw@example.com/', 'https://user@example.com/',
      'http://sho.rt/abc', 'http://LOCALHOST:8080/x', 'not a url', '', '/relative', `https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`]) {
      refused(bad);
    }
  });

  it('accepts our own host on another port, which is another service', () => {
    assert.equal(canonicalTargetUrl('http://localhost:3000/', OWN), 'http://localhost:3000/');
  });

  it('is idempotent and only ever yields short http(s) URLs', () => {
    fc.assert(fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), (input) => {
      let out: string;
      try {
        out = canonicalTargetUrl(input, OWN);
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return;
      }
      assert.match(out, /^https?:\/\//);
      assert.ok(out.length <= MAX_URL_LENGTH);
      assert.equal(canonicalTargetUrl(out, OWN), out);
    }), { numRuns: 500 });
  });
});
