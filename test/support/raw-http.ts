/**
 * Raw HTTP/1.1 over a socket, for what `fetch` and `inject()` cannot send: malformed request
 * lines and headers, duplicated headers, bodies that never finish.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawResult {
  responses: RawResponse[];
  /** Whether the server closed the connection before `timeoutMs`. */
  closedByServer: boolean;
  elapsedMs: number;
}

/** Parse every complete response in `data` (bodies by Content-Length, or until the end). */
export function parseResponses(data: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (!m) break;
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : rest.length - end - 4;
    out.push({ status: Number(m[1]), headers, body: rest.subarray(end + 4, end + 4 + length).toString('utf8') });
    rest = rest.subarray(end + 4 + length);
  }
  return out;
}

/**
 * Send `chunks` (written one after the other) on a fresh connection, then wait until the server
 * closes it or `timeoutMs` passes, and return what came back.
 */
export function rawRequest(port: number, chunks: (string | Buffer)[], timeoutMs = 2000): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d) => received.push(d));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ responses: parseResponses(Buffer.concat(received)), closedByServer, elapsedMs: Date.now() - started });
    });
    socket.on('connect', () => {
      for (const c of chunks) if (!socket.destroyed) socket.write(c);
    });
  });
}
