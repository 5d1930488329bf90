import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, startTestServer, type TestServer } from '../helpers/test-server.js';

describe('links that would redirect to this service', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    port = await freePort();
    server = await startTestServer({ port, env: { LINKPULSE_BASE_URL: `http://localhost:${port}`, HOST: '127.0.0.1' } });
    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'elsewhere' } })).status, 201);
  });
  after(() => server.close());

  const spellings = () => [
    `http://localhost:${port}/elsewhere`, `http://LOCALHOST.:${port}/elsewhere`, `http://127.0.0.1:${port}/elsewhere`,
    `http://127.1:${port}/elsewhere`, `http://0.0.0.0:${port}/elsewhere`, `http://2130706433:${port}/elsewhere`,
    `http://0x7f000001:${port}/elsewhere`, `http://[::1]:${port}/elsewhere`, `http://[::ffff:127.0.0.1]:${port}/elsewhere`,
    `http://localhost.:${port}/elsewhere`,
  ];

  it('refuses each spelling of its own host on create and on change, and changes nothing', async () => {
    for (const url of spellings()) {
      const created = await server.api('/api/links', { method: 'POST', json: { url } });
      assert.equal(created.status, 422, url);
      const problem = await created.json();
      assert.equal(problem.errors[0].field, 'url');
      assert.match(problem.errors[0].message, /would loop/);
      assert.equal((await server.api('/api/links/elsewhere', { method: 'PATCH', json: { url } })).status, 422, url);
    }
    const links = (await (await server.api('/api/links')).json()).items;
    assert.deepEqual(links.map((l: { code: string; url: string }) => [l.code, l.url]), [['elsewhere', 'https://example.com/']]);
  });

  it('takes the same host on another port, which is another service', async () => {
    const other = port === 65535 ? port - 1 : port + 1;
    const res = await server.api('/api/links', { method: 'POST', json: { url: `http://127.0.0.1:${other}/app` } });
    assert.equal(res.status, 201);
  });
});
