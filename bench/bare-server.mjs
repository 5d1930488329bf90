// The reference: the least a Node.js server can do to answer the same redirect.
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
const server = http.createServer((_req, res) => {
  res.writeHead(302, { location: 'https://example.com/landing', 'cache-control': 'private, no-store' });
  res.end();
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`{"url":"http://127.0.0.1:${server.address().port}"}\n`);
});
