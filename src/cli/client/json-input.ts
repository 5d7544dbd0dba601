/**
 * @module cli/client/json-input
 * Field values given on standard input in `--json` mode: one JSON object, or several one after
 * another (one per step, for a caller that answers as the steps come). Pure parsing functions,
 * and {@link JsonObjectStream}, which reads the objects from a stream as they arrive.
 */
import type { InputStream } from './io.ts';
import { UsageError } from './errors.ts';

/**
 * Splits text into the complete top-level JSON values it holds, leaving an unfinished one in
 * `rest`. Strings are respected, so braces inside them do not count.
 * @example splitJsonValues('{"a":"}"} {"b":1} {"c"') // → { values: ['{"a":"}"}', '{"b":1}'], rest: ' {"c"' }
 */
export function splitJsonValues(text: string): { values: string[]; rest: string } {
  const values: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let consumed = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) {
        values.push(text.slice(start, i + 1));
        consumed = i + 1;
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      throw new UsageError('invalid_input', 'standard input must hold JSON objects of field values, like {"username": "ann"}');
    }
  }
  return { values, rest: text.slice(consumed) };
}

/**
 * Turns one parsed JSON value into field values: an object whose values are strings (numbers
 * and booleans are taken as their text).
 */
export function toFieldValues(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError('invalid_input', `standard input is not valid JSON: ${json.slice(0, 40)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('invalid_input', 'standard input must hold JSON objects of field values, like {"username": "ann"}');
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else throw new UsageError('invalid_input', `the value of "${key}" on standard input must be a string`);
  }
  return values;
}

/** Reads JSON objects of field values from a stream, one at a time, as they arrive. */
export class JsonObjectStream {
  private text = '';
  private queue: Record<string, string>[] = [];
  private ended = false;
  private failure: unknown;
  private started = false;
  private wake: (() => void) | undefined;

  constructor(private readonly input: InputStream) {}

  /** The next object, or `undefined` once the input has ended. Rejects on bad JSON or abort. */
  async next(signal?: AbortSignal): Promise<Record<string, string> | undefined> {
    this.start();
    for (;;) {
      if (this.failure) throw this.failure;
      const value = this.queue.shift();
      if (value) return value;
      if (this.ended) return undefined;
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  /** Stop reading, so that the input does not keep the process alive. */
  close(): void {
    if (!this.started) return;
    this.input.removeListener('data', this.onData);
    this.input.removeListener('end', this.onEnd);
    this.input.pause();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.input.setEncoding('utf8');
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.resume();
  }

  private onData = (chunk: string | Buffer) => {
    this.text += String(chunk);
    try {
      const { values, rest } = splitJsonValues(this.text);
      this.text = rest;
      for (const value of values) this.queue.push(toFieldValues(value));
    } catch (err) {
      this.failure = err;
    }
    this.notify();
  };

  private onEnd = () => {
    this.ended = true;
    if (this.text.trim() !== '' && !this.failure) this.failure = new UsageError('invalid_input', 'standard input ended inside a JSON object');
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
