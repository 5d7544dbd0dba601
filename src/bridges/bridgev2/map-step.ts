/**
 * @module bridges/bridgev2/map-step
 * Maps a bridgev2 step envelope to the contract's step shapes (protocol notes §12): input
 * fields, cookie fields and displays. Pure functions, no I/O.
 */

import type {
  CookieField,
  CookiesStep,
  Display,
  DisplayAndWaitStep,
  InteractiveStep,
  LoginError,
  LoginInputField,
  UserInputStep,
} from '../types.ts';
import type { WireCookieField, WireCookies, WireDisplayAndWait, WireInputField, WireStepEnvelope } from './wire.ts';

/** What an envelope means for the session: a step to show, a completed login, or a failure. */
export type MappedEnvelope =
  | { kind: 'step'; step: InteractiveStep }
  | { kind: 'complete'; loginID: string; instructions?: string }
  | { kind: 'failed'; error: LoginError };

const INPUT_TYPES: Record<string, string> = {
  username: 'text',
  domain: 'text',
  captcha_code: 'text',
  password: 'password',
  token: 'password',
  email: 'email',
  phone_number: 'tel',
  '2fa_code': 'code',
  url: 'url',
  select: 'select',
};

export function mapEnvelope(envelope: WireStepEnvelope): MappedEnvelope {
  const stepID = envelope.step_id;
  const instructions = envelope.instructions ? envelope.instructions : undefined;
  switch (envelope.type) {
    case 'user_input': {
      const step: UserInputStep = {
        type: 'user_input',
        stepID,
        fields: (envelope.user_input?.fields ?? []).map(mapInputField),
        instructions,
      };
      const attachments = envelope.user_input?.attachments;
      if (attachments && attachments.length > 0) step.attachments = attachments;
      return { kind: 'step', step: prune(step) };
    }
    case 'cookies':
      return mapCookiesStep(stepID, instructions, envelope.cookies ?? { url: '' });
    case 'display_and_wait': {
      const step: DisplayAndWaitStep = {
        type: 'display_and_wait',
        stepID,
        display: mapDisplay(envelope.display_and_wait ?? { type: 'nothing' }),
        instructions,
      };
      return { kind: 'step', step: prune(step) };
    }
    case 'complete':
      return prune({ kind: 'complete', loginID: envelope.complete?.user_login_id ?? '', instructions });
    case 'webauthn':
      return failed('webauthn_unsupported', 'The bridge asks for a passkey (WebAuthn), which this server does not support yet.', stepID);
    default:
      // client_http is never requested (we do not pass client_http=1); anything else is newer than us.
      return failed('bridge_error', `The bridge sent a step of unsupported type "${envelope.type}".`, stepID);
  }
}

/**
 * A phone number as the bridges' own command path takes it (notes §4.3): a leading `+` and
 * digits, with the separators people type. The provisioning path passes values untouched, so
 * the check is ours; the connector strips the separators before sending (`phoneDigits`).
 */
export const PHONE_PATTERN = '^\\+[0-9][0-9 ()./-]*$';

/** A phone number without the separators a person may type (spaces, dashes, dots, parentheses). */
export function phoneDigits(value: string): string {
  return value.replace(/[ ()./-]/g, '');
}

export function mapInputField(field: WireInputField): LoginInputField {
  return prune({
    id: field.id,
    label: field.name,
    type: INPUT_TYPES[field.type] ?? 'text',
    placeholder: field.description || undefined,
    initialValue: field.default_value,
    // Bridges before mautrix-go v0.32 have no optional fields: every field is then required.
    optional: field.optional === true,
    pattern: field.pattern ?? (field.type === 'phone_number' ? PHONE_PATTERN : undefined),
    options: field.options,
    description: field.description || undefined,
  });
}

function mapCookiesStep(stepID: string, instructions: string | undefined, cookies: WireCookies): MappedEnvelope {
  const fields: CookieField[] = [];
  for (const wire of cookies.fields ?? []) {
    const field = mapCookieField(wire, cookies.extract_js !== undefined && cookies.extract_js !== '');
    if (field === 'unsupported') {
      return failed(
        'unsupported_cookie_source',
        `The bridge needs the value "${wire.id}" from a source this server cannot read (${describeSources(wire)}).`,
        stepID,
      );
    }
    if (field) fields.push(field);
  }
  const step: CookiesStep = {
    type: 'cookies',
    stepID,
    url: cookies.url,
    fields,
    instructions,
    userAgent: cookies.user_agent || undefined,
    expectedFinalURLRegex: cookies.wait_for_url_pattern || undefined,
    extractJS: cookies.extract_js || undefined,
    hidden: cookies.hidden || undefined,
  };
  return { kind: 'step', step: prune(step) };
}

/**
 * One cookie field: the first source we can read decides its `type`/`name`. A field whose only
 * sources are `request_body`/`special` is dropped when optional, kept without a type when
 * `extract_js` may yield it, and otherwise makes the login impossible (`'unsupported'`).
 */
export function mapCookieField(wire: WireCookieField, hasExtractJS: boolean): CookieField | 'unsupported' | undefined {
  const required = wire.required === true;
  const base = { id: wire.id, optional: !required, pattern: wire.pattern };
  for (const source of wire.sources ?? []) {
    if (source.type === 'cookie') {
      return prune({ ...base, type: 'cookie' as const, name: source.name, domain: source.cookie_domain });
    }
    if (source.type === 'local_storage') return prune({ ...base, type: 'local_storage' as const, name: source.name });
    if (source.type === 'request_header') {
      return prune({ ...base, type: 'header' as const, name: source.name, requestURLRegex: source.request_url_regex });
    }
  }
  if (!required) return undefined;
  if (hasExtractJS) return prune(base);
  return 'unsupported';
}

export function mapDisplay(wire: WireDisplayAndWait): Display {
  const imageURL = wire.image_url || undefined;
  switch (wire.type) {
    case 'qr':
      return prune({ type: 'qr', data: wire.data ?? '', imageURL });
    case 'emoji':
      return prune({ type: 'emoji', imageURL: imageURL ?? emojiImage(wire.data ?? ''), data: wire.data });
    case 'code':
      return { type: 'code', data: wire.data ?? '' };
    case 'nothing':
      return { type: 'nothing' };
    default:
      // A display type newer than us: show its data as a code if there is any.
      return wire.data ? { type: 'code', data: wire.data } : { type: 'nothing' };
  }
}

/** An emoji with no canonical image, drawn as an SVG data URI (the contract requires `imageURL`). */
function emojiImage(text: string): string {
  const escaped = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">' +
    `<text x="48" y="52" font-size="64" text-anchor="middle" dominant-baseline="middle">${escaped}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function describeSources(field: WireCookieField): string {
  return (field.sources ?? []).map((s) => `${s.type} "${s.name}"`).join(', ') || 'no source';
}

function failed(code: string, message: string, stepID: string): MappedEnvelope {
  return { kind: 'failed', error: { code, message, details: { stepID } } };
}

/** Drops keys whose value is `undefined`, so wire objects carry no `"key": undefined`. */
function prune<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
