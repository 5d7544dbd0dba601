/** Reads the `event: session` frames of a login session's event stream (`api.md` §6). */
import { createParser } from 'eventsource-parser';

/**
 * Each `session` event's JSON, parsed, from a stream of bytes; ends with the stream.
 *
 * @example
 * for await (const session of sessionEvents(response.body)) console.log(session.status);
 */
export async function* sessionEvents(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<unknown> {
  const pending: unknown[] = [];
  const parser = createParser({
    onEvent: (event) => {
      if (event.event !== 'session') return;
      try {
        pending.push(JSON.parse(event.data));
      } catch {
        // A frame that is not JSON is not a session: skip it.
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift();
  }
}
