// Closed-loop load from autocannon (Node.js), for the bench's second opinion on the redirect ratio:
// the same traffic as bench/redirect.lua, read from the files bench/lib/traffic.ts writes.
// usage: node autocannon-load.mjs <url> <seconds> <connections> <codes> <agents> <referrers> <languages>
//        → one JSON line on stdout
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, seconds, connections, ...files] = process.argv.slice(2);
const [codes, agents, referrers, languages] = files.map((path) => readFileSync(path, 'utf8').replace(/\n$/, '').split('\n'));
const pick = (values) => values[Math.floor(Math.random() * values.length)];
const octet = (from, to) => from + Math.floor(Math.random() * (to - from + 1));

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [{
    setupRequest(request) {
      const headers = { 'user-agent': pick(agents), 'x-forwarded-for': `${octet(1, 223)}.${octet(0, 255)}.${octet(0, 255)}.${octet(1, 254)}` };
      const referrer = pick(referrers);
      if (referrer) headers.referer = referrer;
      const language = pick(languages);
      if (language) headers['accept-language'] = language;
      return { ...request, path: `/${pick(codes)}`, headers };
    },
  }],
});
const answered = result['3xx'];
process.stdout.write(`${JSON.stringify({
  requests: result.requests.total,
  seconds: result.duration,
  rps: answered / result.duration,
  answered,
  failures: result['1xx'] + result['2xx'] + result['4xx'] + result['5xx'] + result.errors + result.timeouts,
})}\n`);
