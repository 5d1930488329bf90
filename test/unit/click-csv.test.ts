import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvCell, csvRow } from '../../src/core/clicks/click-csv.js';

describe('CSV cells', () => {
  it('neutralises formulas such as =HYPERLINK', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil","click")'), `"'=HYPERLINK(""http://evil"",""click"")"`);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvCell(`${start}1`).startsWith(`"'${start}`));
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell(12), '"12"');
  });

  it('parses back to the same values, formulas prefixed with a quote mark', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (values) => {
      const [row] = parse(csvRow(values), { relax_quotes: false }) as string[][];
      assert.deepEqual(row, values.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
    }), { numRuns: 300 });
  });
});
