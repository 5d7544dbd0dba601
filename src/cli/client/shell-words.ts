/**
 * @module cli/client/shell-words
 * Splits a POSIX shell command line into words, the way bash would before running it: quotes,
 * backslash escapes, `$'…'` strings and backslash-newline continuations. Enough to read the
 * command a browser's "Copy as cURL" produces; no expansion of variables or globs.
 */

/** Thrown when a quote is not closed. */
export class ShellSyntaxError extends Error {
  override name = 'ShellSyntaxError';
}

/**
 * @example
 * splitShellWords(`curl 'https://x' -H 'Cookie: a=1'`) // → ['curl', 'https://x', '-H', 'Cookie: a=1']
 */
export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const end = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };

  while (i < input.length) {
    const c = input[i]!;
    if (c === '\\') {
      const next = input[i + 1];
      if (next === '\n') i += 2;
      else if (next === '\r' && input[i + 2] === '\n') i += 3;
      else if (next === undefined) i += 1;
      else {
        word += next;
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError('a single quote is not closed');
      word += input.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '$' && input[i + 1] === "'") {
      const [text, next] = readAnsiC(input, i + 2);
      word += text;
      inWord = true;
      i = next;
    } else if (c === '"') {
      const [text, next] = readDoubleQuoted(input, i + 1);
      word += text;
      inWord = true;
      i = next;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      end();
      i += 1;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  end();
  return words;
}

function readDoubleQuoted(input: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < input.length; i++) {
    const c = input[i]!;
    if (c === '"') return [text, i + 1];
    if (c === '\\' && i + 1 < input.length) {
      const next = input[i + 1]!;
      if (next === '\n') {
        i += 1;
        continue;
      }
      if ('"\\$`'.includes(next)) {
        text += next;
        i += 1;
        continue;
      }
    }
    text += c;
  }
  throw new ShellSyntaxError('a double quote is not closed');
}

const ANSI_C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

function readAnsiC(input: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < input.length; i++) {
    const c = input[i]!;
    if (c === "'") return [text, i + 1];
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = input[i + 1] ?? '';
    const hex = /^(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(input.slice(i + 1));
    if (hex) {
      text += String.fromCodePoint(parseInt(hex[0].slice(1), 16));
      i += hex[0].length;
    } else if (next in ANSI_C_ESCAPES) {
      text += ANSI_C_ESCAPES[next];
      i += 1;
    } else {
      text += '\\' + next;
      i += 1;
    }
  }
  throw new ShellSyntaxError("a $'…' string is not closed");
}
