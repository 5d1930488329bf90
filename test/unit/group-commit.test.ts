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
});
