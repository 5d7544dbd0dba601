/**
 * The form an assistant's client shows the person for a `user_input` or `cookies` step (MCP
 * elicitation, `elicitation/create`), built from the step's fields, and the step's answer built
 * from what the person entered. The values go from the person to this server; the model never
 * sees them.
 */
import type { ElicitRequestFormParams, ElicitResult, PrimitiveSchemaDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { LoginStep, StepField } from './wire.ts';

type InputStep = Extract<LoginStep, { type: 'user_input' | 'cookies' }>;

const FORMATS: Record<string, 'email' | 'uri'> = { email: 'email', url: 'uri' };

function fieldSchema(step: InputStep, field: StepField): PrimitiveSchemaDefinition {
  if (step.type === 'cookies') {
    const what = field.type === 'header' ? 'header' : field.type === 'local_storage' ? 'local storage entry' : 'cookie';
    const name = field.name ?? field.id;
    return {
      type: 'string',
      title: `${what[0]!.toUpperCase()}${what.slice(1)} "${name}"`,
      description: `After signing in at ${step.url}, copy the value of the ${what} "${name}"${field.domain ? ` for ${field.domain}` : ''} from your browser.`,
      ...(field.optional ? {} : { minLength: 1 }),
    };
  }
  const base = { title: field.label ?? field.id, ...(field.description ?? field.placeholder ? { description: field.description ?? field.placeholder } : {}) };
  if (field.type === 'select' && field.options && field.options.length > 0) {
    return { type: 'string', ...base, enum: field.options, ...(field.initialValue !== undefined ? { default: field.initialValue } : {}) };
  }
  const format = field.type !== undefined ? FORMATS[field.type] : undefined;
  // A password or code is never offered as a default value: a bridge may pre-fill only harmless fields.
  const secret = field.type === 'password' || field.type === 'code';
  return {
    type: 'string',
    ...base,
    ...(format ? { format } : {}),
    ...(field.optional ? {} : { minLength: 1 }),
    ...(field.initialValue !== undefined && !secret ? { default: field.initialValue } : {}),
  };
}

/**
 * The elicitation request for a step.
 *
 * @example
 * const request = elicitationFor('Demo Chat', step);
 * const answer = await server.server.elicitInput(request);
 */
export function elicitationFor(bridgeName: string, step: InputStep): ElicitRequestFormParams {
  const properties: Record<string, PrimitiveSchemaDefinition> = {};
  for (const field of step.fields) properties[field.id] = fieldSchema(step, field);
  const lead = step.type === 'cookies' ? `Sign in to ${bridgeName} at ${step.url} in your browser, then copy the values below.` : `Sign in to ${bridgeName}.`;
  return {
    mode: 'form',
    message: [lead, step.instructions, 'What you enter goes straight to bridge-login; the assistant does not see it.'].filter(Boolean).join(' '),
    requestedSchema: { type: 'object', properties, required: step.fields.filter((f) => !f.optional).map((f) => f.id) },
  };
}

/** The step's `fields` from an accepted elicitation: each value as a string, empty ones left out. */
export function answerFields(step: InputStep, content: ElicitResult['content']): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of step.fields) {
    const value = content?.[field.id];
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text !== '') fields[field.id] = text;
  }
  return fields;
}
