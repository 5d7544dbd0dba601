/**
 * @module schemas/login-session
 * Schemas of the login-session routes: the `LoginSession` object, its steps, and the request
 * bodies of create and submit.
 */
import { Type } from 'typebox';

const str = Type.String();
const opt = Type.Optional;
/** Any JSON object (the same schema as before), typed as a record rather than `object`. */
const anyObject = () => Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true }));

export const LoginInputField = Type.Object({
  id: str,
  label: opt(str),
  type: opt(str),
  placeholder: opt(str),
  initialValue: opt(str),
  optional: opt(Type.Boolean()),
  pattern: opt(str),
  options: opt(Type.Array(str)),
  description: opt(str),
});

export const CookieField = Type.Object({
  id: str,
  name: opt(str),
  type: opt(Type.Union([Type.Literal('cookie'), Type.Literal('header'), Type.Literal('local_storage')])),
  domain: opt(str),
  optional: opt(Type.Boolean()),
  pattern: opt(str),
  requestURLRegex: opt(str),
});

export const Display = Type.Union([
  Type.Object({ type: Type.Literal('qr'), data: str, imageURL: opt(str), expiresAt: opt(str) }),
  Type.Object({ type: Type.Literal('emoji'), imageURL: str, data: opt(str) }),
  Type.Object({ type: Type.Literal('code'), data: str, expiresAt: opt(str) }),
  Type.Object({ type: Type.Literal('nothing') }),
]);

export const UserInputStep = Type.Object({
  type: Type.Literal('user_input'),
  stepID: str,
  fields: Type.Array(LoginInputField),
  instructions: opt(str),
  attachments: opt(Type.Array(anyObject())),
});

export const CookiesStep = Type.Object({
  type: Type.Literal('cookies'),
  stepID: str,
  url: str,
  fields: Type.Array(CookieField),
  instructions: opt(str),
  userAgent: opt(str),
  expectedFinalURLRegex: opt(str),
  extractJS: opt(str),
  hidden: opt(Type.Boolean()),
});

export const DisplayAndWaitStep = Type.Object({ type: Type.Literal('display_and_wait'), stepID: str, display: Display, instructions: opt(str) });

/** A failure of a login (not an HTTP error): the session's `error`. */
export const LoginError = Type.Object({ code: str, message: str, details: opt(anyObject()) });

export const SessionStatus = Type.Union([
  Type.Literal('waiting_for_input'),
  Type.Literal('waiting_for_cookies'),
  Type.Literal('waiting_for_display'),
  Type.Literal('complete'),
  Type.Literal('cancelled'),
  Type.Literal('failed'),
]);

export const LoginStep = Type.Union(
  [
    UserInputStep,
    CookiesStep,
    DisplayAndWaitStep,
    Type.Object({
      type: Type.Literal('complete'),
      stepID: opt(str),
      instructions: opt(str),
      account: opt(Type.Ref('Account')),
      login: opt(Type.Ref('BridgeLogin')),
    }),
  ],
  { $id: 'LoginStep' },
);

export const LoginSession = Type.Object(
  {
    bridgeID: str,
    loginSessionID: str,
    status: SessionStatus,
    account: opt(Type.Ref('Account')),
    accountID: opt(str),
    currentStep: opt(Type.Ref('LoginStep')),
    error: opt(LoginError),
    login: opt(Type.Ref('BridgeLogin')),
    loginID: opt(str),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'LoginSession' },
);

/** Create body; an absent body counts as `{}`. */
export const CreateSessionBody = Type.Object({
  accountID: opt(Type.String({ minLength: 1 })),
  flowID: opt(Type.String({ minLength: 1 })),
  loginID: opt(Type.String({ minLength: 1 })),
});

export const SubmitStepBody = Type.Object({
  type: Type.Union([Type.Literal('user_input'), Type.Literal('cookies'), Type.Literal('display_and_wait')]),
  // Not Type.Record: its key pattern `^.*$` skips keys holding a line break, whose values then
  // went unchecked.
  fields: opt(Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } })),
  lastURL: opt(str),
  source: opt(Type.Union([Type.Literal('api'), Type.Literal('webview'), Type.Literal('browser_extension')])),
});

export const CancelResponse = Type.Object({
  bridgeID: str,
  loginSessionID: str,
  status: Type.Literal('cancelled'),
});
