import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from '../../src/storage/sql/unavailable.js';

describe('isDatabaseUnavailable', () => {
  it('takes SQLite failing at its files as the database being unavailable, with any extended code', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_READONLY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_CANTOPEN', 'SQLITE_BUSY']) {
      assert.equal(isDatabaseUnavailable(Object.assign(new Error('disk I/O error'), { code })), true, code);
    }
  });

  it('leaves a query\'s own faults to be bugs', () => {
    for (const code of ['SQLITE_ERROR', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_MISMATCH', 'SQLITE_CORRUPT', '23505']) {
      assert.equal(isDatabaseUnavailable(Object.assign(new Error('no'), { code })), false, code);
    }
    assert.equal(isDatabaseUnavailable('SQLITE_IOERR'), false);
  });
});
