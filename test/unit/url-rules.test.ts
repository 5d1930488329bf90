import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalTargetUrl, MAX_URL_LENGTH } from '../../src/core/links/url-rules.js';
import { ValidationError } from '../../src/core/shared/errors.js';

const OWN = ['sho.rt', 'localhost:8080'];
const refused = (input: string) => assert.throws(() => canonicalTargetUrl(input, OWN), (e) => e instanceof ValidationError && e.errors[0]?.field === 'url');

const refusedWith = (input: string, own: readonly string[]) =>
  assert.throws(() => canonicalTargetUrl(input, own), (e) => e instanceof ValidationError && e.errors[0]?.field === 'url', input);

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

  it('refuses every spelling of our own host, and accepts other hosts and ports', () => {
    const own = ['sho.rt', 'localhost:8080', '127.0.0.1:8080'];
    const loops = [
      'http://sho.rt/x', 'https://sho.rt/x', 'http://SHO.RT/x', 'http://sho.rt./x', 'http://sho.rt../x', 'http://sho.rt:80/x',
      'https://sho.rt:443/x', 'HTTP://Sho.Rt.:80/x', 'http://ｓｈｏ.ｒｔ/x', 'http://sho%2Ert/x',
      'http://localhost:8080/x', 'http://LOCALHOST.:8080/x', 'http://app.localhost:8080/x', 'http://127.0.0.1:8080/x', 'http://127.1:8080/x',
      'http://127.0.0.2:8080/x', 'http://0.0.0.0:8080/x', 'http://0:8080/x', 'http://2130706433:8080/x', 'http://0x7f000001:8080/x',
      'http://0x7f.0.0.1:8080/x', 'http://0177.0.0.1:8080/x', 'http://[::1]:8080/x', 'http://[0:0:0:0:0:0:0:1]:8080/x', 'http://[::]:8080/x',
      'http://[::ffff:127.0.0.1]:8080/x', 'http://[::ffff:7f00:1]:8080/x', 'http://[::127.0.0.1]:8080/x',
    ];
    for (const url of loops) {
      assert.throws(() => canonicalTargetUrl(url, own), (e) => e instanceof ValidationError && /loop/.test(e.errors[0]?.message ?? ''), url);
    }
    const others = ['http://sho.rt:8080/x', 'http://sho.rt.example/x', 'http://localhost:3000/x', 'http://127.0.0.1/x', 'http://[::1]:3000/x',
      'http://10.0.0.1:8080/x', 'http://[::ffff:10.0.0.1]:8080/x', 'https://notsho.rt/x', 'http://example.com/sho.rt'];
    for (const url of others) assert.match(canonicalTargetUrl(url, own), /^http/, url);
  });

  it('equates every local address when the base URL is localhost on a default port', () => {
    for (const url of ['http://127.0.0.1/', 'https://[::1]/', 'http://0.0.0.0/', 'http://localhost./']) refusedWith(url, ['localhost']);
    assert.equal(canonicalTargetUrl('http://127.0.0.1:81/', ['localhost']), 'http://127.0.0.1:81/');
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
