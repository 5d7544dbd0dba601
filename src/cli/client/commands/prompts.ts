/**
 * @module cli/client/commands/prompts
 * Asking a person for the values of a `user_input` step and a `cookies` step, re-asking what the
 * server refuses (400 `invalid_request` naming the fields).
 */
import type { ApiClient } from '../api-client.ts';
import type { CookieField, CookiesStep, LoginInputField, LoginSession, UserInputStep } from '../api-types.ts';
import { cookieFieldName, cookiesFromPaste, isCurlCommand } from '../cookie-input.ts';
import { ApiResponseError, InterruptedError } from '../errors.ts';
import { fieldLabel, isSecretField } from '../fields.ts';
import type { LineReader } from '../terminal/line-reader.ts';
import type { Screen } from '../terminal/screen.ts';
import { eraseLinesAbove } from '../terminal/style.ts';
import { submitStep } from './session-ops.ts';

export interface Prompter {
  api: ApiClient;
  screen: Screen;
  reader: LineReader;
  signal: AbortSignal;
}

/** Asks every field of a `user_input` step and submits; returns the session after the step. */
export async function answerUserInput(p: Prompter, session: LoginSession, step: UserInputStep): Promise<LoginSession> {
  const { screen } = p;
  if (step.instructions) screen.print('', step.instructions);
  const values: Record<string, string> = {};
  let toAsk = step.fields;
  for (;;) {
    for (const field of toAsk) {
      const value = await askField(p, field);
      if (value === undefined) delete values[field.id];
      else values[field.id] = value;
    }
    const refused = await submitOrRefused(p, session, { type: 'user_input', fields: values });
    if ('session' in refused) return refused.session;
    printIssues(screen, refused.issues, (id) => {
      const field = step.fields.find((f) => f.id === id);
      return field ? fieldLabel(field) : id;
    });
    const named = step.fields.filter((f) => refused.issues.some((i) => i.fieldID === f.id));
    toAsk = named.length > 0 ? named : step.fields;
  }
}

/** Asks one field until the answer is acceptable; `undefined` for a skipped optional field. */
export async function askField(p: Prompter, field: LoginInputField): Promise<string | undefined> {
  const { screen } = p;
  const { style } = screen;
  const secret = isSecretField(field);
  if (field.description) screen.print(style.dim(field.description));
  const options = field.type === 'select' ? (field.options ?? []) : [];
  options.forEach((option, i) => screen.print(`  ${i + 1}) ${option}`));

  const notes: string[] = [];
  if (field.placeholder) notes.push(`e.g. ${field.placeholder}`);
  if (field.initialValue !== undefined && !secret) notes.push(`Enter for ${field.initialValue}`);
  else if (field.optional) notes.push('optional, Enter to skip');
  if (secret) notes.push('hidden');
  const prompt = `${style.bold(fieldLabel(field))}${notes.length > 0 ? style.dim(` (${notes.join(', ')})`) : ''}: `;

  for (;;) {
    const answer = await p.reader.readLine(prompt, { mask: secret, signal: p.signal });
    if (answer === undefined) throw new InterruptedError('end-of-input');
    const value = secret ? answer : answer.trim();
    if (value === '') {
      if (field.initialValue !== undefined) return field.initialValue;
      if (field.optional) return undefined;
      screen.print(style.yellow('  A value is required.'));
      continue;
    }
    if (options.length === 0) return value;
    const chosen = /^\d+$/.test(value) ? options[Number(value) - 1] : options.find((o) => o.toLowerCase() === value.toLowerCase());
    if (chosen !== undefined) return chosen;
    screen.print(style.yellow(`  Choose a number from 1 to ${options.length}.`));
  }
}

/** Shows where to sign in and which cookies to bring back, reads them, and submits. */
export async function answerCookies(p: Prompter, session: LoginSession, step: CookiesStep): Promise<LoginSession> {
  const { screen } = p;
  const { style } = screen;
  if (step.instructions) screen.print('', step.instructions);
  screen.print(`Sign in here in your browser: ${style.bold(style.cyan(step.url))}`);
  screen.print('Then copy from the browser (developer tools, Network tab, a request to that site):');
  for (const field of step.fields) screen.print(`  • ${describeCookieField(field)}`);
  screen.print(style.dim('Paste the Cookie request header, the request copied as cURL, or just the value.'));

  const values: Record<string, string> = {};
  const pasted = await readPaste(p, `${style.bold('Paste here')}${style.dim(' (hidden)')}: `);
  const found = cookiesFromPaste(pasted, step.fields);
  const firstNeeded = step.fields.find((f) => !f.optional) ?? step.fields[0];
  if (found.kind === 'value' && firstNeeded) values[firstNeeded.id] = pasted.trim();
  else Object.assign(values, found.values);

  let toAsk = step.fields.filter((f) => values[f.id] === undefined && !f.optional);
  for (;;) {
    for (const field of toAsk) {
      const text = await readPaste(p, `${style.bold(cookieFieldName(field))}${style.dim(' (hidden)')}: `);
      const again = cookiesFromPaste(text, [field]);
      values[field.id] = again.values[field.id] ?? text.trim();
    }
    const names = step.fields.filter((f) => values[f.id] !== undefined).map(cookieFieldName);
    if (names.length > 0) screen.print(style.green(`✓ Read ${names.join(', ')}`));
    const refused = await submitOrRefused(p, session, { type: 'cookies', fields: values });
    if ('session' in refused) return refused.session;
    printIssues(screen, refused.issues, (id) => {
      const field = step.fields.find((f) => f.id === id);
      return field ? cookieFieldName(field) : id;
    });
    const named = step.fields.filter((f) => refused.issues.some((i) => i.fieldID === f.id));
    toAsk = named.length > 0 ? named : step.fields;
  }
}

function describeCookieField(field: CookieField): string {
  const kind = field.type === 'header' ? 'header' : field.type === 'local_storage' ? 'local storage item' : 'cookie';
  const where = field.domain ? ` (on ${field.domain})` : '';
  return `${kind} ${cookieFieldName(field)}${where}${field.optional ? ' (optional)' : ''}`;
}

/** Reads a hidden line; a cURL command pasted over several lines (ending in `\`) is read whole. */
async function readPaste(p: Prompter, prompt: string): Promise<string> {
  let text = await p.reader.readLine(prompt, { mask: true, signal: p.signal });
  if (text === undefined) throw new InterruptedError('end-of-input');
  let extra = 0;
  while (isCurlCommand(text) && /\\\s*$/.test(text)) {
    const more = await p.reader.readLine('', { mask: true, signal: p.signal });
    if (more === undefined) break;
    text += '\n' + more;
    extra += 1;
  }
  // Each pasted line left an empty line behind; take them back on a terminal.
  if (extra > 0 && p.screen.style.interactive) p.screen.write(eraseLinesAbove(extra));
  return text;
}

function printIssues(screen: Screen, issues: { fieldID: string; message: string }[], label: (fieldID: string) => string): void {
  for (const { fieldID, message } of issues) screen.print(screen.style.red(fieldID ? `✗ ${label(fieldID)}: ${message}` : `✗ ${message}`));
}

type SubmitResult = { session: LoginSession } | { issues: { fieldID: string; message: string }[] };

/** Submits; a validation refusal comes back as the issues it names (with the whole message when it names none). */
async function submitOrRefused(p: Prompter, session: LoginSession, body: Parameters<typeof submitStep>[2]): Promise<SubmitResult> {
  try {
    return { session: await submitStep(p.api, session, body, p.signal) };
  } catch (err) {
    if (!(err instanceof ApiResponseError && err.code === 'invalid_request')) throw err;
    const issues = err.fieldIssues;
    return { issues: issues.length > 0 ? issues : [{ fieldID: '', message: err.message }] };
  }
}
