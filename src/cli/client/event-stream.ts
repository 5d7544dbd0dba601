/**
 * @module cli/client/event-stream
 * Reads `text/event-stream` (server-sent events) as it arrives: blank-line separated events,
 * `event:` and `data:` lines (several `data:` lines join with newlines), comments ignored,
 * LF, CRLF or CR line ends.
 */

export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * @example
 * const parser = new EventStreamParser();
 * parser.push('event: session\ndata: {"a":1}\n\n') // → [{ event: 'session', data: '{"a":1}' }]
 */
export class EventStreamParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  /** Feeds text; returns the events it completes. */
  push(text: string): ServerEvent[] {
    this.buffer += text;
    const events: ServerEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone CR at the very end may be the first half of a CRLF: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (this.data.length > 0) events.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return events;
  }
}
