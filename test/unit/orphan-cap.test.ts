import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrphanCap } from '../../src/core/orphans/orphan-cap.js';
import { ManualClock } from '../helpers/test-server.js';

describe('orphan cap', () => {
  it('admits up to the limit per client network and overall in each minute, then afresh', () => {
    const clock = new ManualClock(1_000_000);
    const cap = new OrphanCap({ perNetwork: 2, overall: 5 }, clock);
    const admitted = (ip: string) => cap.admit(ip);
    assert.deepEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1'].map(admitted), [true, true, false]);
    // One IPv6 /64 is one network.
    assert.deepEqual(['2001:db8::1', '2001:db8::2', '2001:db8::3'].map(admitted), [true, true, false]);
    assert.deepEqual(['10.0.0.2', '10.0.0.3'].map(admitted), [true, false], 'the overall cap of 5 is reached');
    clock.advance(60_000);
    assert.deepEqual(['10.0.0.1', '10.0.0.3'].map(admitted), [true, true], 'a new minute');
  });
});
