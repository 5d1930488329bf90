import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickMatches, parseFilters, withStoredDomains } from '../../src/core/analytics/filters.js';
import type { Click } from '../../src/core/clicks/click.js';
import { canonicalHost, isDomainHost } from '../../src/core/links/domain.js';
import { keyText, linkKey, parseKeyText } from '../../src/core/links/link-key.js';
import { FieldErrors } from '../../src/core/shared/field-errors.js';

describe('domains', () => {
  it('spells a host as stored: lowercase, no trailing dot, the port kept', () => {
    assert.equal(canonicalHost(' Go.Example.COM. '), 'go.example.com');
    assert.equal(canonicalHost('GO.example.com.:8080'), 'go.example.com:8080');
    for (const host of ['go.example.com', 'localhost', 'a-b.example:1', 'x.example:65535', `${'a'.repeat(63)}.example`]) assert.ok(isDomainHost(host), host);
    for (const host of ['', 'bad host', '-a.example', 'a-.example', 'a..example', 'x.example:0', 'x.example:65536', 'x.example:08',
      'http://x.example', 'x.example/path', 'ünï.example', `${'a'.repeat(64)}.example`, 'x.example:', '[::1]']) {
      assert.equal(isDomainHost(host), false, host);
    }
  });

  it('writes a key as one string and reads it back', () => {
    for (const key of [linkKey('abc'), linkKey('abc', 'go.example.com:8080')]) assert.deepEqual(parseKeyText(keyText(key)), key);
    assert.deepEqual(parseKeyText('plain'), linkKey('plain'), 'a code alone: the default domain');
  });

  it('filters live clicks by their link\'s domain, the default host standing for the default domain', () => {
    const click = { bot: false } as Click;
    const filtersOf = (domain: string) => {
      const errors = new FieldErrors();
      const filters = withStoredDomains(parseFilters({ domain }, errors), 'sho.rt');
      errors.throwIfAny();
      return filters;
    };
    const onDefault = { tags: [], domain: '' };
    const onGo = { tags: [], domain: 'go.example.com' };
    assert.deepEqual([clickMatches(filtersOf('SHO.RT'), click, onDefault), clickMatches(filtersOf('sho.rt'), click, onGo)], [true, false]);
    assert.deepEqual([clickMatches(filtersOf('go.example.com.'), click, onGo), clickMatches(filtersOf('!go.example.com'), click, onGo)], [true, false]);
    assert.equal(clickMatches(filtersOf('!go.example.com'), click, onDefault), true);
    assert.equal(clickMatches(filtersOf('(none)'), click, onDefault), false, 'every link has a domain');
  });
});
