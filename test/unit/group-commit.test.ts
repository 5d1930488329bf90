import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommitter } from '../../src/core/shared/group-commit.js';

describe('group commit', () => {
  it('writes items submitted together in one batch and answers each its own result', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, string>(async (items) => {
      batches.push(items);
      return items.map((i) => `r${i}`);
    });
    const results = await Promise.all([1, 2, 3].map((i) => committer.submit(i)));
    assert.deepEqual(results, ['r1', 'r2', 'r3']);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('groups what arrives during a write into the next write, never more than maxBatch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => { release = r; });
      return items;
    }, 2);
    const first = committer.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((i) => committer.submit(i));
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(batches, [[1], [2, 3], [4]]);
  });

  it('rejects every item of a failed batch, and the next batch still runs', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    fail = false;
    assert.equal(await committer.submit(3), 3);
    await committer.flush();
    assert.equal(committer.pending, 0);
  });

  it('keeps up to maxConcurrentWrites batches in flight, and flush waits for all of them', async () => {
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return items;
    }, 500, 2);
    const submitted: Promise<number>[] = [];
    for (let turn = 0; turn < 3; turn++) {
      submitted.push(committer.submit(turn));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(most, 2, 'two batches run at once, the third waits');
    let flushed = false;
    const flushing = committer.flush().then(() => { flushed = true; });
    while (releases.length > 0 || inFlight > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await flushing;
    assert.ok(flushed);
    assert.deepEqual(await Promise.all(submitted), [0, 1, 2]);
  });
});
