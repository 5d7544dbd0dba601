/**
 * @module test/support/tcp-proxy
 * A TCP proxy on 127.0.0.1 between this server and a bridge, for what only the network shows:
 * a long-poll whose answer is lost on the way back (the bridge answered, we never heard it).
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TCPProxy {
  url: string;
  /**
   * The next answer to a request whose request line contains `pathPart` is dropped: both
   * sockets are destroyed when the bridge starts answering. Resolves when that happened.
   */
  loseAnswerTo(pathPart: string): Promise<void>;
  /** Requests seen so far (their request lines), in order. */
  requestLines: string[];
  close(): Promise<void>;
}

/** Starts a proxy forwarding to `127.0.0.1:targetPort`. */
export async function startTCPProxy(targetPort: number): Promise<TCPProxy> {
  const sockets = new Set<Socket>();
  const requestLines: string[] = [];
  let armed: { pathPart: string; done: () => void } | undefined;

  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let lastRequest = '';
    client.on('data', (chunk: Buffer) => {
      // A chunk that starts with a method begins a request (keep-alive connections carry several).
      const line = /^(GET|POST|PUT|DELETE|OPTIONS|HEAD) \S+/.exec(chunk.toString('latin1', 0, 300));
      if (line) {
        lastRequest = line[0];
        requestLines.push(lastRequest);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed && lastRequest.includes(armed.pathPart)) {
        const { done } = armed;
        armed = undefined;
        client.destroy();
        upstream.destroy();
        done();
        return;
      }
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestLines,
    loseAnswerTo(pathPart) {
      return new Promise((resolve) => {
        armed = { pathPart, done: resolve };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
