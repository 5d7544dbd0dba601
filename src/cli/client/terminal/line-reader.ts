/**
 * @module cli/client/terminal/line-reader
 * Reads answers line by line from standard input. On a terminal it reads key by key in raw mode,
 * so that secrets are not echoed and Ctrl+C is seen; from a pipe it reads plain lines.
 */
import type { InputStream, OutputStream } from '../io.ts';

export interface ReadLineOptions {
  /** Do not echo what is typed (passwords, codes, cookies). */
  mask?: boolean;
  signal?: AbortSignal;
}

interface Pending {
  mask: boolean;
  line: string;
  resolve(line: string | undefined): void;
}

/**
 * @example
 * const reader = new LineReader(process.stdin, process.stdout, () => controller.abort());
 * const password = await reader.readLine('Password: ', { mask: true });
 */
export class LineReader {
  private readonly raw: boolean;
  private buffer = '';
  private ended = false;
  private listening = false;
  private pending: Pending | undefined;

  constructor(
    private readonly input: InputStream,
    private readonly output: OutputStream,
    /** Called when Ctrl+C is typed while reading in raw mode. */
    private readonly onInterrupt: () => void,
  ) {
    this.raw = input.isTTY === true && typeof input.setRawMode === 'function';
  }

  /** Shows `prompt` and reads one line; `undefined` once the input has ended. */
  readLine(prompt: string, options: ReadLineOptions = {}): Promise<string | undefined> {
    const { signal, mask = false } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.output.write(prompt);
    return new Promise<string | undefined>((resolve, reject) => {
      const onAbort = () => {
        this.finish();
        this.output.write('\n');
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        mask,
        line: '',
        resolve: (line) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(line);
        },
      };
      this.listen();
      this.process();
    });
  }

  /** Stop reading, so that the input does not keep the process alive. */
  close(): void {
    if (!this.listening) return;
    this.finish();
    this.input.removeListener('data', this.onData);
    this.input.removeListener('end', this.onEnd);
    this.listening = false;
    this.input.pause();
  }

  private listen(): void {
    if (this.raw) this.input.setRawMode!(true);
    if (!this.listening) {
      this.listening = true;
      this.input.setEncoding('utf8');
      this.input.on('data', this.onData);
      this.input.on('end', this.onEnd);
    }
    this.input.resume();
  }

  /** Ends the current read: leaves raw mode and lets the input rest until the next read. */
  private finish(): void {
    this.pending = undefined;
    if (this.raw) {
      this.input.setRawMode!(false);
      this.input.pause();
    }
  }

  private onData = (chunk: string | Buffer) => {
    this.buffer += String(chunk);
    this.process();
  };

  private onEnd = () => {
    this.ended = true;
    this.process();
  };

  private process(): void {
    if (this.raw) this.processKeys();
    else this.processLines();
  }

  private processLines(): void {
    const pending = this.pending;
    if (!pending) return;
    const newline = this.buffer.indexOf('\n');
    if (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.complete(line);
    } else if (this.ended) {
      const rest = this.buffer;
      this.buffer = '';
      this.complete(rest === '' ? undefined : rest);
    }
  }

  private complete(line: string | undefined): void {
    const pending = this.pending!;
    this.finish();
    // Piped input is not echoed by a terminal: end the prompt's line ourselves.
    this.output.write('\n');
    pending.resolve(line);
  }

  private processKeys(): void {
    while (this.pending && this.buffer.length > 0) {
      const pending = this.pending;
      const c = this.buffer[0]!;
      if (c === '\x1b') {
        // An escape sequence (arrow keys and the like): skip it whole.
        // eslint-disable-next-line no-control-regex
        const match = /^\x1b(\[[0-9;?]*[@-~]|O.|.)?/s.exec(this.buffer)!;
        this.buffer = this.buffer.slice(match[0].length);
        continue;
      }
      const [char] = this.buffer;
      const codePoint = [...this.buffer][0]!;
      this.buffer = this.buffer.slice(codePoint.length);
      if (char === '\r' || char === '\n') {
        if (char === '\r' && this.buffer[0] === '\n') this.buffer = this.buffer.slice(1);
        this.complete(pending.line);
      } else if (char === '\x03') {
        this.onInterrupt();
      } else if (char === '\x04') {
        if (pending.line === '') this.complete(undefined);
      } else if (char === '\x7f' || char === '\b') {
        const chars = [...pending.line];
        if (chars.length > 0) {
          chars.pop();
          pending.line = chars.join('');
          if (!pending.mask) this.output.write('\b \b');
        }
      } else if (char === '\x15') {
        if (!pending.mask) this.output.write('\b \b'.repeat([...pending.line].length));
        pending.line = '';
      } else if (codePoint >= ' ' || char === '\t') {
        pending.line += codePoint;
        if (!pending.mask) this.output.write(codePoint);
      }
    }
    if (this.pending && this.ended) this.complete(this.pending.line === '' ? undefined : this.pending.line);
  }
}
