import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CookieField } from '../../src/cli/client/api-types.ts';
import { cookiesFromPaste, parseCookieHeader, parseCurlCommand } from '../../src/cli/client/cookie-input.ts';
import { ShellSyntaxError, splitShellWords } from '../../src/cli/client/shell-words.ts';

describe('splitShellWords', () => {
  const cases: [string, string, string[]][] = [
    ['plain words', 'curl https://x -s', ['curl', 'https://x', '-s']],
    ['single quotes keep everything', `-H 'Cookie: a=1; b="2"'`, ['-H', 'Cookie: a=1; b="2"']],
    ['double quotes with escapes', `-H "Cookie: a=\\"1\\" \\$x"`, ['-H', 'Cookie: a="1" $x']],
    ['backslash-newline continues the line', "curl 'https://x' \\\n  -H 'A: 1' \\\r\n  -b 'c=2'", ['curl', 'https://x', '-H', 'A: 1', '-b', 'c=2']],
    ["$'…' strings", `-H $'Cookie: a=1\\x3b b=\\'2\\''`, ['-H', "Cookie: a=1; b='2'"]],
    ['adjacent quoted parts join', `a'b'"c"d`, ['abcd']],
    ['empty quoted word', `'' x`, ['', 'x']],
    ['escaped space', 'a\\ b c', ['a b', 'c']],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(splitShellWords(input), expected));
  }
  it('refuses an unclosed quote', () => {
    assert.throws(() => splitShellWords(`curl 'https://x`), ShellSyntaxError);
    assert.throws(() => splitShellWords(`curl "https://x`), ShellSyntaxError);
  });
});

describe('parseCookieHeader', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['bare pairs', 'a=1; b=2', { a: '1', b: '2' }],
    ['with the header name', 'Cookie: a=1;b=2', { a: '1', b: '2' }],
    ['any case header name', 'cookie:a=1', { a: '1' }],
    ['values may hold "="', 'token=abc==; x=y=z', { token: 'abc==', x: 'y=z' }],
    ['empty parts and parts without "=" are skipped', 'a=1;; junk ; =v; b=', { a: '1', b: '' }],
    ['spaces around names and values', '  a = 1 ;  b=2  ', { a: '1', b: '2' }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(parseCookieHeader(input), expected));
  }
});

describe('parseCurlCommand', () => {
  it('reads a command as Chrome copies it (bash)', () => {
    const command = [
      "curl 'https://chat.example/api/me' \\",
      "  -H 'accept: */*' \\",
      "  -H 'cookie: demo_session=s3cr3t; theme=dark' \\",
      "  -H 'x-csrf-token: abc' \\",
      "  -H 'user-agent: Mozilla/5.0'",
    ].join('\n');
    const request = parseCurlCommand(command);
    assert.deepEqual(request.cookies, { demo_session: 's3cr3t', theme: 'dark' });
    assert.deepEqual(request.headers[2], ['x-csrf-token', 'abc']);
  });
  it('reads -b and --cookie data, and ignores a cookie file name', () => {
    assert.deepEqual(parseCurlCommand(`curl https://x -b 'a=1; b=2' --cookie c=3 -b cookies.txt`).cookies, { a: '1', b: '2', c: '3' });
  });
  it('reads --header=… and -H… written as one word', () => {
    const request = parseCurlCommand(`curl https://x --header='Cookie: a=1' -H'X-Y: z'`);
    assert.deepEqual(request.cookies, { a: '1' });
    assert.deepEqual(request.headers, [
      ['Cookie', 'a=1'],
      ['X-Y', 'z'],
    ]);
  });
});

describe('cookiesFromPaste', () => {
  const session: CookieField = { id: 'session', name: 'demo_session', type: 'cookie' };
  const csrf: CookieField = { id: 'csrf', name: 'X-CSRF-Token', type: 'header' };
  const cases: [string, string, CookieField[], { kind: string; values: Record<string, string> }][] = [
    ['a Cookie header', 'Cookie: theme=dark; demo_session=abc', [session], { kind: 'header', values: { session: 'abc' } }],
    ['bare cookie pairs naming the field', 'theme=dark; demo_session=abc', [session], { kind: 'header', values: { session: 'abc' } }],
    ['a bare value', 'abc123', [session], { kind: 'value', values: {} }],
    ['a value with "=" that names no field', 'abc==', [session], { kind: 'value', values: {} }],
    [
      'a cURL command with a cookie and a header field',
      `curl 'https://x' -H 'Cookie: demo_session=abc' -H 'x-csrf-token: t0k'`,
      [session, csrf],
      { kind: 'curl', values: { session: 'abc', csrf: 't0k' } },
    ],
    ['a cURL command with -b', `curl https://x -b 'demo_session=abc'`, [session], { kind: 'curl', values: { session: 'abc' } }],
    ['a cURL command without the cookie', `curl https://x -H 'Cookie: other=1'`, [session], { kind: 'curl', values: {} }],
    ['a field without a name goes by its ID', 'Cookie: sid=9', [{ id: 'sid' }], { kind: 'header', values: { sid: '9' } }],
  ];
  for (const [name, input, fields, expected] of cases) {
    it(name, () => assert.deepEqual(cookiesFromPaste(input, fields), expected));
  }
  it('a local storage item is never taken from a request: its value is pasted as it is', () => {
    const token: CookieField = { id: 'token', name: 'authToken', type: 'local_storage' };
    assert.deepEqual(cookiesFromPaste('Cookie: authToken=abc', [token]), { kind: 'header', values: {} });
    assert.deepEqual(cookiesFromPaste(`curl https://x -H 'authToken: abc' -b 'authToken=abc'`, [token, session]), { kind: 'curl', values: {} });
    assert.deepEqual(cookiesFromPaste('eyJhbGciOi.abc', [token]), { kind: 'value', values: {} });
  });
});
