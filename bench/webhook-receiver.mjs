// A webhook receiver for the bench: answers every delivery 204 at once; prints how many on SIGTERM.
import { createServer } from 'node:http';

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/hook` })));
process.on('SIGTERM', () => {
  console.error(`received ${received}`);
  process.exit(0);
});
