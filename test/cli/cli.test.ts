import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createLinkPulse } from '../../src/composition-root.js';
import { loadConfig } from '../../src/config.js';
import { CLI_ARGS } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { linkKey } from '../../src/core/links/link-key.js';


describe('linkpulse CLI', () => {
  const dir = tempDir();
  const env = { ...process.env, LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/cli.db`, LINKPULSE_BASE_URL: 'https://sho.rt' };
  after(() => dir.cleanup());

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [...CLI_ARGS, ...args], { env, encoding: 'utf8', cwd: dir.path });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('migrates, then has nothing left to migrate', () => {
    const first = run('migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(run('migrate').stdout, /up to date/);
  });

  it('shortens a URL and prints the short URL', () => {
    const result = run('shorten', 'https://example.com/from-cli', '--code', 'cli1', '--title', 'From CLI', '--tag', 'a', '--tag', 'b');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'https://sho.rt/cli1');
    const json = JSON.parse(run('shorten', 'https://example.com/2', '--json').stdout);
    assert.match(json.code, /^[0-9A-Za-z]{7}$/);
    assert.equal(json.track, true);
    assert.equal(json.fallbackUrl, null);
    const quiet = JSON.parse(run('shorten', 'https://example.com/3', '--no-track', '--fallback-url', 'https://example.com/sorry', '--json').stdout);
    assert.equal(quiet.track, false);
    assert.equal(quiet.fallbackUrl, 'https://example.com/sorry');
    const tagged = JSON.parse(run('shorten', 'https://example.com/4', '--utm-source', 'cli', '--utm-campaign', 'launch', '--json').stdout);
    assert.equal(tagged.url, 'https://example.com/4?utm_source=cli&utm_campaign=launch');
  });

  it('fails with a one-line error and a non-zero exit code', () => {
    for (const args of [['shorten', 'ftp://x'], ['shorten', 'https://e.com', '--code', 'cli1'], ['stats', 'missing'], ['export', 'cli1', '--format', 'xml'], ['nonsense']]) {
      const result = run(...args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
    }
    const badEnv = spawnSync(process.execPath, [...CLI_ARGS, 'links'], { env: { ...env, LINKPULSE_IP_STORAGE: 'some' }, encoding: 'utf8' });
    assert.equal(badEnv.status, 1);
    assert.match(badEnv.stderr, /LINKPULSE_IP_STORAGE/);
  });

  it('lists links as a table and as JSON', () => {
    assert.match(run('links').stdout, /cli1\s+0\s+/);
    const links = JSON.parse(run('links', '--json').stdout) as { code: string; tags: string[] }[];
    assert.deepEqual(links.find((l) => l.code === 'cli1')?.tags, ['a', 'b']);
  });

  it('shows stats, clicks and exports of clicks recorded through the services', async () => {
    const lp = await createLinkPulse(loadConfig({ LINKPULSE_DATABASE_URL: env.LINKPULSE_DATABASE_URL }));
    const link = await lp.links.get(linkKey('cli1'));
    for (const ua of ['=cmd|calc', 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0']) {
      await lp.recorder.record(link, { ip: '81.2.69.142', userAgent: ua, referer: 'https://t.co/a', acceptLanguage: 'en', search: '?utm_source=cli' });
    }
    await lp.close();
    assert.match(run('stats', 'cli1').stdout, /cli1: 2 clicks/);
    const stats = JSON.parse(run('stats', 'cli1', '--json', '--interval', 'hour').stdout);
    assert.equal(stats.totals.clicks, 2);
    assert.deepEqual(stats.countries, [{ key: 'GB', clicks: 2 }]);
    assert.equal(JSON.parse(run('clicks', 'cli1', '--json', '--limit', '1').stdout).length, 1);
    const out = `${dir.path}/clicks.csv`;
    assert.equal(run('export', 'cli1', '--format', 'csv', '--out', out).code, 0);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2);
    assert.ok(rows.some((r) => r.userAgent === "'=cmd|calc"));
    const ndjson = run('export', 'cli1', '--format', 'ndjson').stdout.trim().split('\n');
    assert.equal(ndjson.length, 2);
  });

  it('shows orphan visits by type, and the latest, filtered by --type', async () => {
    const lp = await createLinkPulse(loadConfig({ LINKPULSE_DATABASE_URL: env.LINKPULSE_DATABASE_URL }));
    const visitor = { ip: '81.2.69.142', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', referer: undefined, acceptLanguage: 'en', search: '' };
    lp.orphanRecorder?.record('base_url', '/', visitor);
    lp.orphanRecorder?.record('invalid_code', '/nope\u009b31m', visitor);
    await lp.close();
    const text = run('orphans');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /orphan visits: 2 \(2 human, 0 bot\)/);
    assert.match(text.stdout, /by type: base_url 1, invalid_code 1/);
    assert.match(text.stdout, /invalid_code {2}\/nope\?31m/, 'a C1 control character is not printed');
    const json = JSON.parse(run('orphans', '--type', 'invalid_code', '--json').stdout);
    assert.equal(json.totals.clicks, 1);
    assert.deepEqual(json.latest.map((v: { path: string }) => v.path), ['/nope\u009b31m']);
    const wrong = run('orphans', '--type', 'nope');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /type/);
  });

  it('filters stats, clicks and exports with --filter, and compares with --compare', () => {
    const firefox = JSON.parse(run('stats', 'cli1', '--json', '--filter', 'browser=Firefox', '--filter', 'utmSource=cli', '--compare', 'previous').stdout);
    assert.equal(firefox.totals.clicks, 1);
    assert.deepEqual(firefox.filters, { browser: ['Firefox'], utmSource: ['cli'] });
    assert.equal(firefox.previous.totals.clicks, 0);
    assert.equal(JSON.parse(run('stats', 'cli1', '--json', '--filter', 'utmSource=!cli').stdout).totals.clicks, 0);
    assert.match(run('stats', 'cli1', '--filter', 'browser=(none)').stdout, /cli1: 1 clicks/);
    const clicks = JSON.parse(run('clicks', 'cli1', '--json', '--filter', 'browser=!Firefox').stdout) as { userAgent: string }[];
    assert.deepEqual(clicks.map((c) => c.userAgent), ['=cmd|calc']);
    assert.equal(run('export', 'cli1', '--format', 'ndjson', '--filter', 'browser=Firefox').stdout.trim().split('\n').length, 1);
    for (const args of [['--filter', 'colour=red'], ['--filter', 'country=Germany'], ['--filter', 'country'], ['--filter', 'os=a', '--filter', 'os=b']]) {
      const result = run('stats', 'cli1', ...args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
    }
  });

  it('imports a CSV and reports the rows it refused', () => {
    const file = `${dir.path}/import.csv`;
    writeFileSync(file, 'url,code,title,tags\nhttps://example.com/i1,imp1,One,x|y\nnot-a-url,imp2,,\nhttps://example.com/i3,,Three,\nhttps://example.com/i4,cli1,,\n');
    const result = run('import', file);
    assert.equal(result.code, 1, 'some rows were refused');
    assert.match(result.stdout, /Imported 2 link\(s\); 0 already there; refused 2/);
    assert.match(result.stdout, /line 3: url/);
    assert.match(result.stdout, /line 5: .*taken/);
    const links = JSON.parse(run('links', '--json', '--search', 'example.com/i').stdout) as { code: string; tags: string[] }[];
    assert.equal(links.length, 2);
    assert.deepEqual(links.find((l) => l.code === 'imp1')?.tags, ['x', 'y']);
  });

  it('imports a Bitly export, and a second run creates nothing twice', () => {
    const file = `${dir.path}/bitly.csv`;
    writeFileSync(file, [
      'id,link,custom_bitlinks,long_url,title,tags,created_at,archived',
      'bit.ly/3xYz,https://bit.ly/3xYz,,https://example.com/bitly/one,One,"launch|q3",2024-01-02T03:04:05+0000,false',
      'bit.ly/4abc,https://bit.ly/4abc,https://bit.ly/spring-sale|https://bit.ly/other,https://example.com/bitly/two,,,2024-02-02T03:04:05+0000,false',
      'x,,,https://example.com/bitly/none,,,,false',
      'bit.ly/5bad,https://bit.ly/5bad,,ftp://example.com/bad,,,,false',
    ].join('\n'));
    const first = run('import', '--from', 'bitly', file);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /Imported 2 link\(s\); 0 already there; refused 2/);
    assert.match(first.stdout, /line 4: neither link nor custom_bitlinks/);
    assert.match(first.stdout, /line 5: url/);
    const links = JSON.parse(run('links', '--json', '--search', 'example.com/bitly').stdout) as { code: string; url: string; title: string | null; tags: string[] }[];
    assert.deepEqual(links.map((l) => [l.code, l.url, l.title, l.tags]).sort(), [
      ['3xYz', 'https://example.com/bitly/one', 'One', ['launch', 'q3']],
      ['4abc', 'https://example.com/bitly/two', null, []],
    ]);
    const second = run('import', '--from', 'bitly', file);
    assert.match(second.stdout, /Imported 0 link\(s\); 2 already there; refused 2/);
    assert.equal(JSON.parse(run('links', '--json', '--search', 'example.com/bitly').stdout).length, 2);
    const unknown = run('import', '--from', 'yourls-ish', file);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /csv, bitly/);
  });

  it('imports the links of a Kutt server through its API, a page at a time, and nothing twice', async () => {
    // Kutt's API v2 as documented: GET /api/v2/links?limit&skip with X-API-KEY, {limit, skip, total, data}.
    const links = Array.from({ length: 120 }, (_, i) => ({
      id: `uuid-${i}`, address: `kutt${i}`, target: `https://example.com/kutt/${i}`, description: i === 0 ? 'First <b>' : null,
      banned: false, password: false, visit_count: i, created_at: '2024-01-01T00:00:00.000Z', link: `https://kutt.example/kutt${i}`,
    }));
    const kutt = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers['x-api-key'] !== 'kutt-key') return void res.writeHead(401).end('{"error":"Unauthorized."}');
      if (url.pathname !== '/api/v2/links') return void res.writeHead(404).end();
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const skip = Number(url.searchParams.get('skip') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ limit, skip, total: links.length, data: links.slice(skip, skip + limit) }));
    });
    await new Promise<void>((resolve) => kutt.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(kutt.address() as AddressInfo).port}`;
    try {
      const first = await runAsync('import', '--from', 'kutt', base, '--api-key', 'kutt-key');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Imported 120 link\(s\); 0 already there; refused 0/);
      const imported = JSON.parse(run('links', '--json', '--limit', '100', '--search', 'example.com/kutt/').stdout) as { code: string; url: string; title: string | null }[];
      assert.equal(imported.length, 100, 'a full page of the list');
      const [first0] = JSON.parse(run('links', '--json', '--search', 'example.com/kutt/0').stdout) as { code: string; url: string; title: string | null }[];
      assert.deepEqual([first0?.code, first0?.url, first0?.title], ['kutt0', 'https://example.com/kutt/0', 'First <b>']);
      const second = await runAsync('import', '--from', 'kutt', base, '--api-key', 'kutt-key');
      assert.match(second.stdout, /Imported 0 link\(s\); 120 already there; refused 0/);
      const wrongKey = await runAsync('import', '--from', 'kutt', base, '--api-key', 'nope');
      assert.notEqual(wrongKey.code, 0);
      assert.match(wrongKey.stderr.trim(), /^linkpulse: Kutt answered 401 .*--api-key$/);
      const noKey = await runAsync('import', '--from', 'kutt', base);
      assert.match(noKey.stderr.trim(), /--api-key/);
    } finally {
      kutt.close();
    }
  });

  /** The CLI in its own process, without blocking this one (which may be serving it). */
  const runAsync = (...args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], { env, cwd: dir.path });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

  it('says in one line which file it cannot read or write, and exits non-zero', () => {
    const cases: [string[], RegExp][] = [
      [['import', 'missing.csv'], /^linkpulse: cannot read missing\.csv: no such file or directory$/],
      [['import', dir.path], /^linkpulse: cannot read .*: it is a directory$/],
      [['export', 'cli1', '--format', 'csv', '--out', '/nonexistent/dir/x.csv'], /^linkpulse: cannot write \/nonexistent\/dir\/x\.csv: no such file or directory$/],
      [['export', 'cli1', '--format', 'ndjson', '--out', dir.path], /^linkpulse: cannot write .*: it is a directory$/],
    ];
    for (const [args, message] of cases) {
      const result = run(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${result.stderr}`);
    }
  });

  it('refuses an imported row whose text holds U+0000, naming the line', () => {
    const file = `${dir.path}/nul.csv`;
    writeFileSync(file, 'url,code,title\nhttps://example.com/n1,nul1,a\u0000b\n');
    const result = run('import', file);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /line 2: title: must not contain control characters/);
  });

  it('adds domains, shortens on one, names its links with --domain, and removes it once empty', () => {
    const added = run('domains', 'add', 'Go.Example.com', '--not-found-redirect', 'https://example.com/missing');
    assert.equal(added.code, 0, added.stderr);
    assert.match(run('domains', 'list').stdout, /go\.example\.com\s+-\s+https:\/\/example\.com\/missing/);
    assert.match(run('domains', 'add', 'bad host').stderr, /host/);
    const changed = JSON.parse(run('domains', 'redirects', 'go.example.com', '--base-url-redirect', 'https://example.com/home', '--not-found-redirect', 'none', '--json').stdout);
    assert.deepEqual([changed.baseUrlRedirect, changed.notFoundRedirect], ['https://example.com/home', null]);
    assert.equal(run('shorten', 'https://example.com/on-go', '--code', 'cli1', '--domain', 'go.example.com').stdout, 'https://go.example.com/cli1\n');
    const go = JSON.parse(run('links', '--domain', 'go.example.com', '--json').stdout) as { code: string; domain: string; url: string }[];
    assert.deepEqual(go.map((l) => [l.code, l.domain, l.url]), [['cli1', 'go.example.com', 'https://example.com/on-go']]);
    assert.equal(JSON.parse(run('stats', 'cli1', '--domain', 'go.example.com', '--json').stdout).totals.clicks, 0, 'not the default domain\'s cli1');
    const removing = run('domains', 'remove', 'go.example.com');
    assert.notEqual(removing.code, 0);
    assert.match(removing.stderr, /Links still live on go\.example\.com/);
  });

  it('creates, lists and revokes API keys', () => {
    const created = JSON.parse(run('keys', 'create', '--name', 'ci', '--role', 'viewer', '--json').stdout);
    assert.match(created.secret, /^lp_/);
    const list = run('keys', 'list');
    assert.match(list.stdout, new RegExp(`${created.id}\\s+viewer\\s+ci`));
    assert.ok(!list.stdout.includes(created.secret));
    assert.equal(run('keys', 'revoke', created.id).code, 0);
    assert.notEqual(run('keys', 'revoke', created.id).code, 0);
    assert.equal(run('keys', 'create', '--role', 'owner').code, 1);
  });
});
