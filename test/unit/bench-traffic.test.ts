import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTraffic } from '../../bench/lib/traffic.js';
import { parseUserAgent } from '../../src/adapters/user-agent-parser.js';

// The issue asks the bench's traffic to look real, so that no cache can flatter the figures.
describe('the bench traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkpulse-traffic-'));
  const files = writeTraffic(dir, ['a', 'b']);
  const lines = (path: string) => readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

  it('has over 1 000 distinct user agents, of several browsers, systems and devices, bots among them', () => {
    const agents = lines(files.agents);
    assert.ok(new Set(agents).size >= 1000, `${new Set(agents).size} distinct agents`);
    const parsed = agents.map(parseUserAgent);
    assert.ok(new Set(parsed.map((p) => p.browser)).size >= 3);
    assert.ok(new Set(parsed.map((p) => p.os)).size >= 4);
    assert.deepEqual(new Set(parsed.map((p) => p.device)), new Set(['desktop', 'mobile', 'tablet', 'bot']));
  });

  it('has several referrers and languages, and requests with neither (an empty line)', () => {
    for (const path of [files.referrers, files.languages]) {
      const values = lines(path);
      assert.ok(values.includes(''));
      assert.ok(values.filter((v) => v !== '').length >= 5);
    }
    assert.deepEqual(lines(files.codes), ['a', 'b']);
  });
});
