// The "Sign in with Matrix" form of the token view. Built only while that view shows (and taken
// down when it goes), so that no password field lingers in the page behind other views.

import { h, replace } from './dom.js';

function field(id, label, attrs) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), h('input', { id, required: true, spellcheck: 'false', ...attrs }));
}

/**
 * Show the form in `panel`; `onSubmit({homeserver, username, password})` does the sign-in and
 * throws an Error whose message is shown under the form.
 */
export function showMatrixForm(panel, onSubmit) {
  const error = h('p', { id: 'matrix-error', class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'matrix-submit', type: 'submit', class: 'primary', text: 'Sign in' });
  const form = h('form', { id: 'matrix-form', novalidate: true },
    field('matrix-homeserver', 'Homeserver', { name: 'homeserver', type: 'text', inputmode: 'url', autocomplete: 'url', placeholder: 'https://matrix.example.org' }),
    field('matrix-username', 'Matrix user name', { name: 'username', type: 'text', autocomplete: 'username', placeholder: 'alice or @alice:example.org' }),
    field('matrix-password', 'Matrix password', { name: 'password', type: 'password', autocomplete: 'current-password' }),
    error,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { homeserver: form.homeserver.value, username: form.username.value, password: form.password.value };
    error.hidden = true;
    if (!values.homeserver.trim() || !values.username.trim() || !values.password) {
      error.hidden = false;
      error.textContent = 'Fill in the homeserver, your user name and your password.';
      return;
    }
    submit.disabled = true;
    try {
      await onSubmit(values);
      form.password.value = '';
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  replace(panel,
    h('h2', { id: 'matrix-title', text: 'Sign in with Matrix' }),
    h('p', { class: 'hint', text: 'Your password goes only to your homeserver; this server is shown a one-time proof of who you are.' }),
    form);
  panel.hidden = false;
}

/** Take the form down (leaving the token view). */
export function hideMatrixForm(panel) {
  panel.replaceChildren();
  panel.hidden = true;
}
