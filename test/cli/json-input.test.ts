import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/cli/client/errors.ts';
import { JsonObjectStream, splitJsonValues, toFieldValues } from '../../src/cli/client/json-input.ts';

describe('splitJsonValues', () => {
  const cases: [string, string, { values: string[]; rest: string }][] = [
    ['one object', '{"a":"1"}\n', { values: ['{"a":"1"}'], rest: '\n' }],
    ['several, on one line or many', '{"a":"1"} {"b":"2"}\n{"c":"3"}', { values: ['{"a":"1"}', '{"b":"2"}', '{"c":"3"}'], rest: '' }],
    ['an unfinished one stays in rest', '{"a":"1"}{"b":', { values: ['{"a":"1"}'], rest: '{"b":' }],
    ['braces and quotes inside strings', '{"a":"}{\\"x"}', { values: ['{"a":"}{\\"x"}'], rest: '' }],
    ['nested objects count as one', '{"a":{"b":{}}}', { values: ['{"a":{"b":{}}}'], rest: '' }],
    ['only white space', ' \n\t', { values: [], rest: ' \n\t' }],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.deepEqual(splitJsonValues(input), expected));
  it('refuses text outside objects', () => assert.throws(() => splitJsonValues('username=ann'), UsageError));
});

describe('toFieldValues', () => {
  it('takes strings, and numbers and booleans as their text', () => {
    assert.deepEqual(toFieldValues('{"username":"ann","code":123456,"remember":true}'), { username: 'ann', code: '123456', remember: 'true' });
  });
  for (const bad of ['[1]', '"x"', '{"a":{"b":1}}', '{"a":null}', '{bad json}']) {
    it(`refuses ${bad}`, () => assert.throws(() => toFieldValues(bad), UsageError));
  }
});

describe('JsonObjectStream', () => {
  it('hands out objects as they arrive, split across chunks, then undefined at the end', async () => {
    const input = new PassThrough();
    const stream = new JsonObjectStream(input);
    const first = stream.next();
    input.write('{"username":"an');
    input.write('n"}\n{"code"');
    assert.deepEqual(await first, { username: 'ann' });
    input.end(':"1"}');
    assert.deepEqual(await stream.next(), { code: '1' });
    assert.equal(await stream.next(), undefined);
  });
  it('rejects when the input ends inside an object', async () => {
    const input = new PassThrough();
    const stream = new JsonObjectStream(input);
    input.end('{"a":');
    await assert.rejects(stream.next(), UsageError);
  });
  it('rejects when aborted while waiting', async () => {
    const stream = new JsonObjectStream(new PassThrough());
    const controller = new AbortController();
    const next = stream.next(controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(next, /stop/);
  });
});
