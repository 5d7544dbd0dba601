/**
 * A tiny HTTP reverse proxy on 127.0.0.1, the load balancer of the several-instance tests: each
 * request goes to the next of N upstreams in turn (no stickiness, on purpose). Bodies stream both
 * ways, so long-polls and event streams pass through as they would behind nginx with buffering
 * off. Each answer says which upstream gave it in `x-upstream` (its index).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RoundRobin {
  /** `http://127.0.0.1:<port>`, the one address clients use. */
  url: string;
  /** The upstream index each request was sent to, in arrival order. */
  served: number[];
  /** Replace the upstreams (base URLs); the turn carries on from where it was. */
  setUpstreams(urls: readonly string[]): void;
  close(): Promise<void>;
}

/** An upstream that cannot be reached answers 502, as a load balancer would; not a hang. */
function badGateway(res: ServerResponse, err: Error): void {
  if (!res.headersSent) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'bad_gateway', message: err.message }));
  } else {
    res.destroy(err);
  }
}

/** Start a proxy in front of `upstreams` (base URLs like `http://127.0.0.1:1234`). */
export async function startRoundRobin(upstreams: readonly string[]): Promise<RoundRobin> {
  let targets = upstreams.map((u) => new URL(u));
  let turn = 0;
  const served: number[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = turn++ % targets.length;
    const target = targets[index]!;
    served.push(index);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': String(index) });
        // Flush each chunk as it comes: server-sent events and long-polls must not wait here.
        res.flushHeaders();
        answer.pipe(res);
        answer.once('error', (err) => res.destroy(err));
      },
    );
    upstream.once('error', (err) => badGateway(res, err));
    // A client that goes away ends the upstream request too (an event stream closed by the test).
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    setUpstreams: (urls) => {
      targets = urls.map((u) => new URL(u));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
