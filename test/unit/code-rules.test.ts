import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertValidCustomCode, generateCode, isReservedCode } from '../../src/core/links/code-rules.js';
import { ValidationError } from '../../src/core/shared/errors.js';

describe('codes', () => {
  it('generates 7 characters of [0-9A-Za-z], all different in practice', () => {
    const codes = new Set(Array.from({ length: 2000 }, generateCode));
    assert.equal(codes.size, 2000);
    for (const code of codes) assert.match(code, /^[0-9A-Za-z]{7}$/);
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set(Array.from({ length: 500 }, generateCode).join(''));
    assert.equal(seen.size, 62);
  });

  it('accepts any custom code of 1-64 [A-Za-z0-9_-] that is not reserved', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), (code) => {
      if (isReservedCode(code)) assert.throws(() => assertValidCustomCode(code), ValidationError);
      else assertValidCustomCode(code);
    }));
  });

  it('refuses reserved words in any case, and other characters', () => {
    for (const bad of ['api', 'API', 'Dashboard', 'healthz', 'metrics', 'assets', '', 'a'.repeat(65), 'a b', 'ä', 'a/b', 'a.b', '<script>']) {
      assert.throws(() => assertValidCustomCode(bad), ValidationError, bad);
    }
  });
});
