import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/cli/client/errors.ts';
import { fieldLabel, isSecretField, missingFields, parseFieldAssignments, pickFieldValues } from '../../src/cli/client/fields.ts';

describe('isSecretField', () => {
  const cases: [{ id: string; type?: string }, boolean][] = [
    [{ id: 'password', type: 'password' }, true],
    [{ id: 'code', type: 'code' }, true],
    [{ id: 'otp', type: 'OTP' }, true],
    [{ id: 'pin', type: 'pin' }, true],
    [{ id: 'username', type: 'text' }, false],
    [{ id: 'email', type: 'email' }, false],
    [{ id: 'phone', type: 'tel' }, false],
    // The type hint wins over the ID: a "code" of type text is shown.
    [{ id: 'country_code', type: 'text' }, false],
    // Without a type, the ID decides.
    [{ id: 'password' }, true],
    [{ id: 'passcode' }, true],
    [{ id: 'verification_code' }, true],
    [{ id: 'apiToken' }, true],
    [{ id: 'username' }, false],
  ];
  for (const [field, secret] of cases) {
    it(`${JSON.stringify(field)} → ${secret}`, () => assert.equal(isSecretField(field), secret));
  }
});

describe('parseFieldAssignments', () => {
  it('reads id=value, splitting at the first "="', () => {
    assert.deepEqual(parseFieldAssignments(['username=ann', 'password=a=b', 'note=']), { username: 'ann', password: 'a=b', note: '' });
  });
  it('lets a later value win', () => assert.deepEqual(parseFieldAssignments(['a=1', 'a=2']), { a: '2' }));
  for (const bad of ['novalue', '=x', '']) {
    it(`refuses "${bad}" as a usage error`, () => assert.throws(() => parseFieldAssignments([bad]), UsageError));
  }
});

describe('missingFields and pickFieldValues', () => {
  const fields = [{ id: 'username' }, { id: 'password' }, { id: 'note', optional: true }];
  it('names the required fields without a value', () => {
    assert.deepEqual(missingFields(fields, { username: 'ann' }), ['password']);
    assert.deepEqual(missingFields(fields, { username: 'ann', password: '' }), []);
  });
  it('picks values by field ID, and cookie fields also by cookie name', () => {
    const picked = pickFieldValues([{ id: 'username' }, { id: 'session', name: 'demo_session' }], { username: 'ann', demo_session: 'c', other: 'x' });
    assert.deepEqual(picked, { username: 'ann', session: 'c' });
  });
  it('keeps the initial value of a field unless one is given', () => {
    const fields = [{ id: 'username', initialValue: 'ann' }, { id: 'password' }];
    assert.deepEqual(pickFieldValues(fields, { password: 'pw' }), { username: 'ann', password: 'pw' });
    assert.deepEqual(pickFieldValues(fields, { username: 'bob' }), { username: 'bob' });
  });
});

describe('fieldLabel', () => {
  const cases: [{ id: string; label?: string }, string][] = [
    [{ id: 'username', label: 'Username' }, 'Username'],
    [{ id: 'phone_number' }, 'Phone number'],
    [{ id: 'twoFactorCode' }, 'Two Factor Code'],
    [{ id: 'x', label: '  ' }, 'X'],
  ];
  for (const [field, label] of cases) it(`${JSON.stringify(field)} → ${label}`, () => assert.equal(fieldLabel(field), label));
});
