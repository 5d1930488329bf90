import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DATABASE_KINDS, postgresServerUrl, type TestDatabase } from '../helpers/databases.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${root}bin/linkpulse.js`;

it('the PostgreSQL half runs when CI requires it', { skip: !process.env.LINKPULSE_REQUIRE_POSTGRES }, () => {
  assert.ok(postgresServerUrl, 'LINKPULSE_REQUIRE_POSTGRES is set but LINKPULSE_TEST_POSTGRES_URL is not');
});

for (const kind of DATABASE_KINDS) {
  describe(`linkpulse shorten / update: fallback, tracking, preview, rules and variants (${kind.name})`, { skip: kind.skip }, () => {
    const dir = tempDir();
    let database: TestDatabase;
    let env: NodeJS.ProcessEnv;

    // The built CLI, as users run it (npm ci builds it).
    const run = (...args: string[]) => {
      const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: dir.path });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const json = (...args: string[]) => {
      const result = run(...args, '--json');
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    /** Fails with one line on stderr, naming what is wrong, and changes nothing. */
    const refused = (args: string[], message: RegExp) => {
      const result = run(...args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
    };

    before(async () => {
      const help = spawnSync(process.execPath, [BIN, 'update', '--help'], { encoding: 'utf8' });
      if (!help.stdout.includes('--rules-file')) throw new Error(`the built CLI predates these flags: run \`npm run build\` first (${help.stderr.trim()})`);
      database = await kind.create();
      env = { ...process.env, LINKPULSE_DATABASE_URL: database.url, LINKPULSE_BASE_URL: 'https://sho.rt', LINKPULSE_LOG_LEVEL: 'silent' };
    });
    after(async () => {
      await database?.drop();
      dir.cleanup();
    });

    it('creates a link with a fallback, no tracking, a preview, rules in order and weighted variants', () => {
      const link = json('shorten', 'https://example.com/launch', '--code', 'launch',
        '--fallback-url', 'https://example.com/over', '--no-track',
        '--preview-title', 'Launch <b>day</b>', '--preview-description', 'All new', '--preview-image', 'https://example.com/card.png',
        '--rule', '{"when": {"device": ["mobile", "tablet"], "query": {"ref": "tw"}}, "url": "https://example.com/mobile"}',
        '--rule', '{"when": {"country": "de", "after": "2030-01-01T00:00:00Z"}, "url": "https://example.com/de"}',
        '--variant', 'https://example.com/a?v=1=70', '--variant', 'https://example.com/b=30');
      assert.equal(link.fallbackUrl, 'https://example.com/over');
      assert.equal(link.track, false);
      assert.deepEqual(link.preview, { title: 'Launch <b>day</b>', description: 'All new', image: 'https://example.com/card.png' });
      assert.deepEqual(link.rules, [
        { when: { device: ['mobile', 'tablet'], query: { ref: ['tw'] } }, url: 'https://example.com/mobile' },
        { when: { country: ['DE'], after: '2030-01-01T00:00:00.000Z' }, url: 'https://example.com/de' },
      ]);
      assert.deepEqual(link.variants, [{ url: 'https://example.com/a?v=1', weight: 70 }, { url: 'https://example.com/b', weight: 30 }]);
      const same = json('update', 'launch');
      assert.deepEqual({ ...same, updatedAt: link.updatedAt }, link, 'an update without flags changes nothing');
    });

    it('updates only what its flags name, rules from a file, and clears with --no-…', () => {
      const file = `${dir.path}/rules.json`;
      writeFileSync(file, JSON.stringify([{ when: { os: 'iOS' }, url: 'https://example.com/ios' }]));
      const changed = json('update', 'launch', '--track', '--preview-description', 'Now shipping', '--rules-file', file);
      assert.equal(changed.track, true);
      assert.deepEqual(changed.preview, { title: 'Launch <b>day</b>', description: 'Now shipping', image: 'https://example.com/card.png' }, 'the rest of the preview is kept');
      assert.deepEqual(changed.rules, [{ when: { os: ['iOS'] }, url: 'https://example.com/ios' }]);
      assert.equal(changed.variants.length, 2);
      assert.equal(changed.fallbackUrl, 'https://example.com/over');

      const cleared = json('update', 'launch', '--no-fallback-url', '--no-preview', '--no-rules', '--no-variants', '--no-track');
      assert.equal(cleared.fallbackUrl, null);
      assert.equal(cleared.preview, null);
      assert.deepEqual(cleared.rules, []);
      assert.deepEqual(cleared.variants, []);
      assert.equal(cleared.track, false);
      assert.equal(run('update', 'launch', '--variant', 'https://example.com/x=1', '--variant', 'https://example.com/y=3').stdout, 'updated https://sho.rt/launch\n');
    });

    it('refuses bad flags with the core\'s or its own one-line error, changing nothing', () => {
      const before = json('update', 'launch');
      refused(['update', 'launch', '--rule', '{"when": {"country": "Germany"}, "url": "https://example.com/de"}'], /rules\[0\]\.when\.country: must be a two-letter country code/);
      refused(['update', 'launch', '--rule', '{"when": {"planet": "Mars"}, "url": "https://example.com/"}'], /--rule 1: when\.planet is not a condition/);
      refused(['update', 'launch', '--rule', '{"when": {"country": 5}, "url": "https://example.com/"}'], /--rule 1: when\.country must be a string or a list of strings/);
      refused(['update', 'launch', '--rule', 'country=DE'], /--rule 1: not JSON/);
      refused(['update', 'launch', '--rules-file', `${dir.path}/missing.json`], /cannot read .*missing\.json: no such file or directory/);
      refused(['update', 'launch', '--variant', 'https://example.com/a'], /--variant must be <url>=<weight>/);
      refused(['update', 'launch', '--variant', 'https://example.com/a=5'], /variants: an A\/B split needs at least two variants/);
      refused(['update', 'launch', '--variant', 'https://example.com/a=0', '--variant', 'https://example.com/b=1'], /variants\[0\]\.weight: must be a whole number from 1/);
      refused(['update', 'launch', '--preview-image', 'javascript:alert(1)'], /preview\.image/);
      refused(['update', 'launch', '--fallback-url', 'https://sho.rt/loop'], /fallbackUrl/);
      refused(['update', 'launch', '--no-rules', '--rule', '{"url": "https://example.com/"}'], /not both/);
      refused(['update', 'missing', '--no-track'], /No link has the code "missing"/);
      refused(['shorten', 'https://example.com/x', '--code', 'never', '--rule', '{"when": {}, "url": "ftp://example.com/"}'], /rules\[0\]\.url/);
      assert.equal(run('update', 'never').code, 1, 'a refused shorten created nothing');
      assert.deepEqual(json('update', 'launch').variants, before.variants);
      assert.deepEqual(json('update', 'launch').rules, before.rules);
    });
  });
}
