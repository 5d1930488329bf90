import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { attemptError } from '../../src/core/webhooks/attempt-error.js';
import { retryDelay } from '../../src/core/webhooks/retry-schedule.js';
import { newSecret, signedHeaders } from '../../src/core/webhooks/signature.js';

it('signs as Standard Webhooks verifies, and a changed body, id or secret fails', () => {
  const secret = newSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, '32 random bytes');
  const body = '{"type":"link.created","timestamp":"2026-12-01T00:00:00.000Z","data":{"code":"ü"}}';
  const now = Math.floor(Date.now() / 1000);
  const headers = signedHeaders(secret, 'msg_abc', now, body);
  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(secret).verify(body.replace('ü', 'u'), headers));
  assert.throws(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_abd' }));
  assert.throws(() => new Webhook(newSecret()).verify(body, headers));
  assert.equal(headers['webhook-signature'], new Webhook(secret).sign('msg_abc', new Date(now * 1000), body));
});

it('waits threefold longer after each failure from 2 s up to an hour, within 20 % either way', () => {
  for (const [attempts, base] of [[1, 2000], [2, 6000], [3, 18_000], [8, 3_600_000], [40, 3_600_000]] as const) {
    assert.equal(retryDelay(attempts, 0.5), base);
    assert.equal(retryDelay(attempts, 0), base * 0.8);
    assert.ok(retryDelay(attempts, 0.999_999) <= base * 1.2);
  }
});

it('keeps a receiver\'s answer to one short line without control characters', () => {
  assert.equal(attemptError(500, 'boom\r\n\u001b[31mred\u0000'), 'HTTP 500: boom [31mred');
  assert.equal(attemptError(404, ''), 'HTTP 404');
  assert.equal(attemptError(502, 'x'.repeat(5000)).length, 'HTTP 502: '.length + 300);
  assert.equal(attemptError(null, 'connect ECONNREFUSED 127.0.0.1:9'), 'connect ECONNREFUSED 127.0.0.1:9');
});
