/**
 * The floor: a bare `node:http` server answering one path with fixed bytes. No framework, no
 * auth, no storage: the fastest answer this machine gives, measured in the same run as the
 * real server so that the ratio between them means something on a noisy machine.
 *
 * Run as its own process: `node --import tsx bench/floor.ts <path> <body>`; it prints
 * `floor listening on http://127.0.0.1:<port>`.
 */
import { createServer } from 'node:http';

const [urlPath, bodyText] = process.argv.slice(2);
if (urlPath === undefined || bodyText === undefined) {
  process.stderr.write('usage: floor.ts <path> <body>\n');
  process.exit(2);
}
const body = Buffer.from(bodyText);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  if (req.url === urlPath) {
    res.writeHead(200, headers);
    res.end(body);
  } else {
    res.writeHead(404, { 'content-length': '0' });
    res.end();
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`floor listening on http://127.0.0.1:${address.port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
