import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'sqlite:./data/linkpulse.db');
    assert.equal(config.baseUrl, 'http://localhost:8080');
    assert.equal(config.ipStorage, 'full');
    assert.equal(config.trustProxy, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('stops on a bad value, naming the variable', () => {
    const cases: Record<string, string> = {
      PORT: 'eighty', LINKPULSE_DATABASE_URL: 'mysql://x', LINKPULSE_BASE_URL: 'not a url', LINKPULSE_IP_STORAGE: 'some',
      LINKPULSE_TRUST_PROXY: '10.0.0.0/99', LINKPULSE_ADMIN_KEY: 'short', LINKPULSE_LOG_LEVEL: 'loud',
      HOST: 'not a host',
    };
    for (const [variable, value] of Object.entries(cases)) {
      assert.throws(() => loadConfig({ [variable]: value }), (e) => e instanceof ConfigError && e.message.startsWith(`${variable}:`), variable);
    }
  });

  it('refuses values that would start a server nobody can use', () => {
    const cases: [string, string][] = [
      ['LINKPULSE_ADMIN_KEY', 'a key with spaces inside'], ['LINKPULSE_ADMIN_KEY', 'tab\tseparated-0123456789'],
      ['LINKPULSE_BASE_URL', 'https://user:pw@sho.rt'], ['HOST', 'bad_host!'], ['PORT', '65536'], ['LINKPULSE_TRUST_PROXY', '0'],
    ];
    for (const [variable, value] of cases) {
      assert.throws(() => loadConfig({ [variable]: value }), (e) => e instanceof ConfigError && e.message.startsWith(`${variable}:`), `${variable}=${value}`);
    }
    assert.equal(loadConfig({ HOST: '::' }).host, '::');
    assert.equal(loadConfig({ HOST: 'my-host.internal' }).host, 'my-host.internal');
  });

  it('reads trusted proxies as a hop count or a list', () => {
    assert.equal(loadConfig({ LINKPULSE_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ LINKPULSE_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
  });
});
