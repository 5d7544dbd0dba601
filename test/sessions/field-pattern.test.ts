/** Field patterns: whole-value RE2 matches, and what is left unchecked rather than risked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PATTERN_COST, matchesPattern, patternCost } from '../../src/sessions/field-pattern.ts';

test('a pattern matches the whole value', () => {
  const cases: [string, string, boolean][] = [
    ['[0-9]{6}', '123456', true],
    ['[0-9]{6}', '1234567', false],
    ['[0-9]{6}', 'x123456', false],
    ['a|b', 'a', true],
    ['a|b', 'ab', false],
    ['^\\+[0-9][0-9 ()./-]*$', '+49 30 1234', true],
    ['^\\+[0-9][0-9 ()./-]*$', '0049', false],
    ['\\p{L}+', 'héllo', true],
    ['(a+)+b', `${'a'.repeat(5000)}!`, false],
  ];
  for (const [pattern, value, expected] of cases) assert.equal(matchesPattern(pattern, value), expected, `${pattern} on ${value.slice(0, 20)}`);
});

test('a pattern RE2 cannot run, or one that could expand too far, accepts every value', () => {
  // Backreferences and lookarounds have no linear-time match; the bridge checks its own input.
  assert.equal(matchesPattern('(a)\\1', 'xyz'), true);
  assert.equal(matchesPattern('(?=a)b', 'xyz'), true);
  assert.equal(matchesPattern('[', 'xyz'), true);
  // 18 characters that compile to 12,000 instructions: not compiled at all.
  assert.equal(patternCost('(abcdefghij){1000}'), Infinity);
  assert.equal(matchesPattern('(abcdefghij){1000}', 'xyz'), true);
  assert.ok(patternCost('\\+?[0-9]{6,15}') <= MAX_PATTERN_COST);
});

test('a value too long to check against a large pattern in bounded time is not checked', () => {
  // A small pattern still checks a long value; a larger one leaves a very long value to the bridge.
  assert.equal(matchesPattern('[0-9]+', `${'1'.repeat(10_000)}x`), false);
  assert.equal(matchesPattern('(?:[a-z][0-9]){100}', 'x'.repeat(60_000)), true);
});
