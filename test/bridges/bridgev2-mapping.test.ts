// The pure mappings of the protocol notes §12: input fields, cookie fields, displays, and the
// errors of the bridge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProvisioningHTTPError } from '../../src/bridges/bridgev2/errors.ts';
import { loginErrorFromHTTP } from '../../src/bridges/bridgev2/map-error.ts';
import { mapCookieField, mapDisplay, mapEnvelope, mapInputField } from '../../src/bridges/bridgev2/map-step.ts';

test('input field types', () => {
  const table: [string, string][] = [
    ['username', 'text'],
    ['domain', 'text'],
    ['captcha_code', 'text'],
    ['password', 'password'],
    ['token', 'password'],
    ['email', 'email'],
    ['phone_number', 'tel'],
    ['2fa_code', 'code'],
    ['url', 'url'],
    ['select', 'select'],
    ['something_new', 'text'],
  ];
  for (const [wire, type] of table) {
    assert.equal(mapInputField({ type: wire, id: 'f', name: 'F', description: '' }).type, type, wire);
  }
});

test('input field keys: label, placeholder/description, initial value, pattern, options, never optional', () => {
  assert.deepEqual(
    mapInputField({
      type: 'select',
      id: 'country',
      name: 'Country',
      description: 'Where you live',
      default_value: 'FI',
      pattern: '^(FI|SE)$',
      options: ['FI', 'SE'],
    }),
    {
      id: 'country',
      label: 'Country',
      type: 'select',
      placeholder: 'Where you live',
      initialValue: 'FI',
      optional: false,
      pattern: '^(FI|SE)$',
      options: ['FI', 'SE'],
      description: 'Where you live',
    },
  );
});

test('user_input: instructions and attachments carried, empty ones dropped', () => {
  const attachment = { type: 'm.image', filename: 'captcha.png', content: 'iVBORw0KGgo=', info: { mimetype: 'image/png' } };
  const mapped = mapEnvelope({
    login_id: 'p',
    type: 'user_input',
    step_id: 's',
    txn_id: 'bls_1',
    instructions: 'Type the letters',
    user_input: { fields: [{ type: 'captcha_code', id: 'captcha', name: 'Captcha', description: '' }], attachments: [attachment] },
  });
  assert.deepEqual(mapped, {
    kind: 'step',
    step: {
      type: 'user_input',
      stepID: 's',
      instructions: 'Type the letters',
      fields: [{ id: 'captcha', label: 'Captcha', type: 'text', optional: false }],
      attachments: [attachment],
    },
  });
});

test('cookie fields: first readable source wins; body/special only → dropped, kept for extract_js, or unsupported', () => {
  assert.deepEqual(
    mapCookieField(
      {
        id: 'auth',
        required: true,
        pattern: '^[a-z]+$',
        sources: [
          { type: 'special', name: 'fi.mau.x' },
          { type: 'request_header', name: 'Authorization', request_url_regex: '^https://api\\.' },
          { type: 'cookie', name: 'auth' },
        ],
      },
      false,
    ),
    { id: 'auth', optional: false, pattern: '^[a-z]+$', type: 'header', name: 'Authorization', requestURLRegex: '^https://api\\.' },
  );
  assert.deepEqual(mapCookieField({ id: 'c', required: false, sources: [{ type: 'cookie', name: 'c', cookie_domain: 'x.com' }] }, false), {
    id: 'c',
    optional: true,
    type: 'cookie',
    name: 'c',
    domain: 'x.com',
  });
  const bodyOnly = (required: boolean) => ({ id: 'b', required, sources: [{ type: 'request_body', name: 'b' }] });
  assert.equal(mapCookieField(bodyOnly(false), false), undefined);
  assert.equal(mapCookieField(bodyOnly(true), false), 'unsupported');
  assert.deepEqual(mapCookieField(bodyOnly(true), true), { id: 'b', optional: false });
});

test('cookies step keys', () => {
  const mapped = mapEnvelope({
    login_id: 'p',
    type: 'cookies',
    step_id: 'c',
    instructions: '',
    cookies: {
      url: 'https://example.com/login',
      user_agent: 'UA/1',
      wait_for_url_pattern: '^https://example\\.com/home',
      extract_js: 'Promise.resolve({})',
      hidden: true,
      fields: [
        { id: 'a', required: true, sources: [{ type: 'local_storage', name: 'token' }] },
        { id: 'skipped', required: false, sources: [{ type: 'special', name: 'x' }] },
      ],
    },
  });
  assert.deepEqual(mapped, {
    kind: 'step',
    step: {
      type: 'cookies',
      stepID: 'c',
      url: 'https://example.com/login',
      fields: [{ id: 'a', optional: false, type: 'local_storage', name: 'token' }],
      userAgent: 'UA/1',
      expectedFinalURLRegex: '^https://example\\.com/home',
      extractJS: 'Promise.resolve({})',
      hidden: true,
    },
  });
});

test('displays', () => {
  assert.deepEqual(mapDisplay({ type: 'qr', data: 'https://wa.me/x' }), { type: 'qr', data: 'https://wa.me/x' });
  assert.deepEqual(mapDisplay({ type: 'qr', data: 'q', image_url: 'https://img' }), { type: 'qr', data: 'q', imageURL: 'https://img' });
  assert.deepEqual(mapDisplay({ type: 'emoji', data: '🐱', image_url: 'https://cat' }), { type: 'emoji', imageURL: 'https://cat', data: '🐱' });
  const drawn = mapDisplay({ type: 'emoji', data: '🐱' });
  assert.ok(drawn.type === 'emoji');
  assert.match(drawn.imageURL, /^data:image\/svg\+xml;base64,/);
  assert.ok(Buffer.from(drawn.imageURL.split(',')[1] ?? '', 'base64').toString().includes('🐱'));
  assert.deepEqual(mapDisplay({ type: 'code', data: 'ABCD-1234' }), { type: 'code', data: 'ABCD-1234' });
  assert.deepEqual(mapDisplay({ type: 'nothing' }), { type: 'nothing' });
  assert.deepEqual(mapDisplay({ type: 'hologram', data: 'xyz' }), { type: 'code', data: 'xyz' });
  assert.deepEqual(mapDisplay({ type: 'hologram' }), { type: 'nothing' });
});

test('complete, webauthn, client_http and unknown step types', () => {
  assert.deepEqual(
    mapEnvelope({ login_id: 'p', type: 'complete', step_id: 'done', instructions: 'Welcome', complete: { user_login_id: 'u1' } }),
    { kind: 'complete', loginID: 'u1', instructions: 'Welcome' },
  );
  const webauthn = mapEnvelope({ login_id: 'p', type: 'webauthn', step_id: 'w', webauthn: {} });
  assert.equal(webauthn.kind === 'failed' && webauthn.error.code, 'webauthn_unsupported');
  for (const type of ['client_http', 'teleport']) {
    const mapped = mapEnvelope({ login_id: 'p', type, step_id: 'x' });
    assert.equal(mapped.kind === 'failed' && mapped.error.code, 'bridge_error', type);
  }
});

test('bridge errors → session errors', () => {
  const http = (status: number, body: object) => new ProvisioningHTTPError('POST /v3/login/step/p/s/t', status, body);
  const table: [number, object, string, string][] = [
    [410, { errcode: 'FI.MAU.BRIDGE.LOGIN_CANCELLED', error: 'Login process was cancelled' }, 'cancelled', 'The login was cancelled on the bridge.'],
    [500, { errcode: 'FI.MAU.BRIDGE.LOGIN_CANCELLED', error: 'Login process was cancelled' }, 'cancelled', 'The login was cancelled on the bridge.'],
    [410, { errcode: 'FI.MAU.BRIDGE.LOGIN_TIMED_OUT', error: 'Login process timed out' }, 'login_timed_out', 'The login took too long and the bridge gave up.'],
    [
      500,
      { errcode: 'M_UNKNOWN', error: 'Internal error in login step', 'fi.mau.internal_error': 'failed to wait: context deadline exceeded' },
      'login_timed_out',
      'The login took too long and the bridge gave up.',
    ],
    [400, { errcode: 'COM.BEEPER.WEBAUTHN_UNSUPPORTED', error: 'x' }, 'webauthn_unsupported', 'The bridge asks for a passkey (WebAuthn), which this server does not support yet.'],
    [500, { errcode: 'M_UNKNOWN', error: 'Internal error in login step', 'fi.mau.internal_error': 'incorrect password' }, 'bridge_error', 'incorrect password'],
    [500, { errcode: 'M_BAD_STATE', error: 'Step ID does not match' }, 'bridge_error', 'Step ID does not match'],
    [403, { errcode: 'FI.MAU.SIGNAL.X', error: 'Nope' }, 'bridge_error', 'Nope'],
    [502, {}, 'bridge_error', 'The bridge answered HTTP 502.'],
  ];
  for (const [status, body, code, message] of table) {
    const error = loginErrorFromHTTP(http(status, body));
    assert.deepEqual([error.code, error.message], [code, message], JSON.stringify(body));
    assert.deepEqual(error.details, { status, ...body });
  }
});
