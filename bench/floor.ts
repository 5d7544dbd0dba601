/**
 * The floor: a bare `node:http` server answering one path with fixed bytes. No framework, no
 * auth, no storage: the fastest answer this machine gives, measured in the same run as the
 * real server so that the ratio between them means something on a noisy machine.
 *
 * Run as its own process: `node --import tsx bench/floor.ts <path> <body> [<created> <completed>]`;
 * it prints `floor listening on http://127.0.0.1:<port>`.
 *
 * With `<created>` and `<completed>` it also answers the two POSTs of a login with those bytes
 * (a create, `POST …/login-sessions`, and a submit, `POST …/steps/…`), after reading each
 * request's body: what the same two requests cost on this machine with nothing behind them.
 */
import { createServer } from 'node:http';

const [urlPath, bodyText, createdText, completedText] = process.argv.slice(2);
if (urlPath === undefined || bodyText === undefined) {
  process.stderr.write('usage: floor.ts <path> <body> [<created> <completed>]\n');
  process.exit(2);
}

/** Fixed bytes with their headers, made once. */
function answer(text: string): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(text);
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) } };
}
const get = answer(bodyText);
const created = createdText !== undefined ? answer(createdText) : undefined;
const completed = completedText !== undefined ? answer(completedText) : undefined;

const server = createServer((req, res) => {
  const url = req.url ?? '';
  let a = req.method === 'GET' && url === urlPath ? get : undefined;
  if (req.method === 'POST') a = url.endsWith('/login-sessions') ? created : url.includes('/steps/') ? completed : undefined;
  const send = (): void => {
    if (a) {
      res.writeHead(200, a.headers);
      res.end(a.body);
    } else {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
    }
  };
  if (req.method === 'GET') send();
  else req.resume().once('end', send);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`floor listening on http://127.0.0.1:${address.port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
