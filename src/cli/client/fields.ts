/**
 * @module cli/client/fields
 * Pure helpers about the fields a step asks for: which are secret, how `--field id=value` flags
 * read, which required values are still missing.
 */
import type { CookieField, LoginInputField } from './api-types.ts';
import { UsageError } from './errors.ts';

const SECRET_TYPES = new Set(['password', 'code', 'otp', 'totp', 'pin', 'secret', 'token', '2fa', 'cookie']);
const SECRET_ID = /pass(word|code|phrase)?|secret|token|otp|pin|2fa|mfa|code/i;

/**
 * Whether what is typed for a field must not be echoed: passwords, codes and the like, judged by
 * the field's type hint, or by its ID when it has no type.
 * @example isSecretField({ id: 'code', type: 'code' }) // → true
 */
export function isSecretField(field: { id: string; type?: string }): boolean {
  if (field.type) return SECRET_TYPES.has(field.type.toLowerCase());
  return SECRET_ID.test(field.id);
}

/**
 * Reads repeated `--field id=value` flags. The first `=` splits; the value may be empty.
 * @example parseFieldAssignments(['username=ann', 'password=a=b']) // → { username: 'ann', password: 'a=b' }
 */
export function parseFieldAssignments(assignments: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError('invalid_field', `--field needs id=value, got "${assignment}"`);
    values[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return values;
}

/** The IDs of required fields that `values` does not fill. */
export function missingFields(fields: readonly (LoginInputField | CookieField)[], values: Readonly<Record<string, string>>): string[] {
  return fields.filter((f) => !f.optional && values[f.id] === undefined).map((f) => f.id);
}

/**
 * Picks the values a step needs out of what the caller gave: by field ID, and for cookie fields
 * also by cookie name; a field the caller left out keeps its `initialValue`, if it has one.
 */
export function pickFieldValues(
  fields: readonly (LoginInputField | CookieField)[],
  available: Readonly<Record<string, string>>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const field of fields) {
    const name = 'name' in field ? field.name : undefined;
    const initial = 'initialValue' in field ? field.initialValue : undefined;
    const value = available[field.id] ?? (name === undefined ? undefined : available[name]) ?? initial;
    if (value !== undefined) picked[field.id] = value;
  }
  return picked;
}

/** The label a person sees for a field. */
export function fieldLabel(field: LoginInputField): string {
  return field.label?.trim() || humanize(field.id);
}

function humanize(id: string): string {
  const words = id.replace(/[_.-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
