/** Read a server-sent-events stream in tests: each `event: session` as parsed JSON. */
export interface EventReader {
  /** Resolve with the next session event (bounded by a real-time timeout). */
  next(timeoutMs?: number): Promise<any>;
  /** Resolves when the server closes the stream. */
  closed: Promise<void>;
  comments: string[];
  cancel(): Promise<void>;
}

export async function openEvents(url: string, token: string): Promise<EventReader & { status: number; headers: Headers }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  const queue: any[] = [];
  const waiters: ((v: any) => void)[] = [];
  const comments: string[] = [];
  let buffer = '';
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (block.startsWith(':')) {
            comments.push(block);
            continue;
          }
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          const event = JSON.parse(data);
          const w = waiters.shift();
          if (w) w(event);
          else queue.push(event);
        }
      }
    } catch {
      // cancelled
    }
    resolveClosed();
  })();
  return {
    status: res.status,
    headers: res.headers,
    comments,
    closed,
    next(timeoutMs = 5000) {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no event arrived')), timeoutMs);
        waiters.push((v) => {
          clearTimeout(t);
          resolve(v);
        });
      });
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
