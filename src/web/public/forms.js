// Forms for the steps that ask the user something: `user_input` and `cookies`.
// Server-side validation errors (`details.issues` with `path: ["body","fields",<id>]`) are
// shown next to the field they name.

import { h } from './dom.js';

let nextID = 0;

const inputTypes = new Set(['text', 'password', 'email', 'tel', 'url']);
const autocompletes = { password: 'current-password', email: 'email', tel: 'tel', url: 'url', username: 'username' };

/** One labelled control for a field definition; returns its parts. */
function buildField(field) {
  const id = `field-${++nextID}`;
  const hintID = `${id}-hint`;
  const errorID = `${id}-error`;
  const type = field.type ?? 'text';
  const required = !field.optional;
  let control;
  if (type === 'select') {
    control = h('select', { id, name: field.id, required });
    if (field.optional) control.append(h('option', { value: '', text: '(none)' }));
    for (const option of field.options ?? []) control.append(h('option', { value: option, text: option }));
    if (field.initialValue !== undefined) control.value = field.initialValue;
  } else {
    control = h('input', {
      id,
      name: field.id,
      type: inputTypes.has(type) ? type : 'text',
      required,
      placeholder: field.placeholder,
      pattern: field.pattern,
      autocomplete: type === 'code' ? 'one-time-code' : (autocompletes[type] ?? autocompletes[field.id] ?? 'off'),
      inputmode: type === 'code' ? 'numeric' : undefined,
      spellcheck: 'false',
      autocapitalize: 'off',
    });
    if (type === 'code') control.classList.add('code-input');
    if (field.initialValue !== undefined) control.value = field.initialValue;
  }
  const hint = field.hint ? h('p', { class: 'hint', id: hintID, text: field.hint }) : null;
  const error = h('p', { class: 'field-error', id: errorID, hidden: true });
  control.setAttribute('aria-describedby', [hint ? hintID : null, errorID].filter(Boolean).join(' '));
  const label = h('label', { for: id }, field.label || field.id, field.optional ? h('span', { class: 'optional', text: ' (optional)' }) : null);
  return { field, control, error, element: h('div', { class: 'field' }, label, hint, control, error) };
}

/**
 * A step form. `onSubmit(values)` is awaited while the form shows itself busy; it throws
 * to report a problem, which the caller shows with `showIssues` or `showError`.
 */
export function stepForm({ fields, submitLabel, onSubmit }) {
  const parts = fields.map(buildField);
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary', text: submitLabel });
  const form = h('form', { class: 'step-form', novalidate: true }, formError, parts.map((p) => p.element), h('div', { class: 'actions' }, button));

  const clear = () => {
    formError.hidden = true;
    formError.textContent = '';
    for (const p of parts) {
      p.error.hidden = true;
      p.error.textContent = '';
      p.control.removeAttribute('aria-invalid');
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clear();
    const values = {};
    for (const p of parts) {
      const value = p.control.value;
      if (value !== '' || !p.field.optional) values[p.field.id] = value;
    }
    button.disabled = true;
    button.textContent = 'Sending…';
    form.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values);
    } finally {
      button.disabled = false;
      button.textContent = submitLabel;
      form.removeAttribute('aria-busy');
    }
  });

  return {
    element: form,
    /** The control to focus when the form appears. */
    get focusTarget() {
      return parts.find((p) => p.control.value === '')?.control ?? parts[0]?.control ?? button;
    },
    /** Show `details.issues` of a 400 next to their fields; the rest above the form. */
    showIssues(issues, fallback) {
      const general = [];
      let first;
      for (const issue of issues) {
        const path = issue.path ?? [];
        const fieldID = path[0] === 'body' && path[1] === 'fields' ? path[2] : undefined;
        const part = parts.find((p) => p.field.id === fieldID);
        if (!part) { general.push(issue.message); continue; }
        part.error.hidden = false;
        part.error.textContent = part.error.textContent ? `${part.error.textContent} ${issue.message}` : issue.message;
        part.control.setAttribute('aria-invalid', 'true');
        first ??= part.control;
      }
      if (general.length > 0 || !first) this.showError(general.join(' ') || fallback);
      first?.focus();
    },
    showError(message) {
      formError.hidden = false;
      formError.textContent = message;
    },
  };
}

/** The fields of a `user_input` step, as `stepForm` takes them. */
export function inputFields(step) {
  return (step.fields ?? []).map((f) => ({ ...f, hint: f.description }));
}

const cookieKinds = { cookie: 'cookie', header: 'header', local_storage: 'local storage entry' };

/** The fields of a `cookies` step: one input per value to paste, labelled with its name. */
export function cookieFields(step) {
  return (step.fields ?? []).map((f) => {
    const name = f.name || f.id;
    const kind = cookieKinds[f.type ?? 'cookie'] ?? 'value';
    const where = f.domain ? ` for ${f.domain}` : '';
    return { id: f.id, label: name, type: 'text', optional: f.optional, pattern: f.pattern, hint: `Value of the ${kind} “${name}”${where}.` };
  });
}
