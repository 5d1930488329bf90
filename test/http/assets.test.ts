import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// The dashboard's files over HTTP: content-hashed names cached for a year, sent precompressed
// (brotli or gzip, as the client accepts), and the page itself never cached.

const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('dashboard assets', () => {
  let server: TestServer;
  let assets: string[];

  before(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-assets.mjs', import.meta.url))]);
    server = await startTestServer();
    const page = await get(`${server.url}/dashboard`);
    assets = [...page.body.toString().matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
  });
  after(async () => {
    await server.close();
  });

  it('never caches the page, which names each asset by its content hash', async () => {
    for (const path of ['/dashboard', '/dashboard/links/x']) {
      const page = await get(`${server.url}${path}`, { 'accept-encoding': 'gzip, br' });
      assert.equal(page.status, 200);
      assert.equal(page.headers['cache-control'], 'no-store', path);
    }
    assert.equal(assets.length, 3, 'a stylesheet, a script and an icon');
    for (const path of assets) assert.match(path, /^\/assets\/(app|favicon)-[A-Z0-9]{8}\.(js|css|svg)$/);
  });

  it('caches every asset for a year and sends it brotli, gzip or plain, as accepted', async () => {
    for (const path of assets) {
      const plain = await get(`${server.url}${path}`);
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers['cache-control'], IMMUTABLE, path);
      assert.equal(plain.headers['content-encoding'], undefined, path);

      const br = await get(`${server.url}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(br.headers['content-encoding'], 'br', path);
      assert.equal(br.headers['cache-control'], IMMUTABLE, path);
      assert.match(String(br.headers.vary), /accept-encoding/i, path);
      assert.deepEqual(brotliDecompressSync(br.body), plain.body, path);
      assert.ok(br.body.length < plain.body.length, `${path} is smaller compressed`);

      const gzip = await get(`${server.url}${path}`, { 'accept-encoding': 'gzip' });
      assert.equal(gzip.headers['content-encoding'], 'gzip', path);
      assert.equal(gzip.headers['cache-control'], IMMUTABLE, path);
      assert.deepEqual(gunzipSync(gzip.body), plain.body, path);
    }
  });

  it('answers an asset that is not there with a 404', async () => {
    const missing = await get(`${server.url}/assets/app-AAAAAAAA.js`, { 'accept-encoding': 'br', accept: 'application/json' });
    assert.equal(missing.status, 404);
  });
});
