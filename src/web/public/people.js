// The owner's list of people who signed in with Matrix (GET /v1/users), each with a button that
// signs them out everywhere (DELETE /v1/users/{userID}/tokens). A person's own token gets 403
// `forbidden` there: the section then stays hidden.

import { ApiError, api } from './api.js';
import { announce, h, replace } from './dom.js';

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** Fill `section`'s list; hide the section unless the token is the owner's and someone signed in. */
export async function loadPeople(section, list, error) {
  let users;
  try {
    users = (await api('/v1/users')).items;
  } catch (err) {
    section.hidden = true;
    if (err instanceof ApiError && (err.code === 'forbidden' || err.isAuth)) return;
    throw err;
  }
  section.hidden = users.length === 0;
  error.hidden = true;
  replace(list, users.map((user) => h('li', {},
    h('span', {},
      h('strong', { text: user.userID }),
      h('span', { class: 'muted small', text: ` · ${plural(user.accounts, 'account', 'accounts')} · ${plural(user.activeSessions, 'active login', 'active logins')} · ${plural(user.tokens, 'token', 'tokens')}` })),
    user.tokens > 0
      ? h('button', {
        type: 'button',
        class: 'secondary',
        'aria-label': `Sign ${user.userID} out everywhere`,
        text: 'Sign out everywhere',
        onclick: async (event) => {
          event.currentTarget.disabled = true;
          try {
            await api(`/v1/users/${encodeURIComponent(user.userID)}/tokens`, { method: 'DELETE' });
            announce(`${user.userID} was signed out.`);
          } catch (err) {
            error.hidden = false;
            error.textContent = `${user.userID} could not be signed out: ${err.message}`;
          }
          await loadPeople(section, list, error);
        },
      })
      : h('span', { class: 'muted small', text: 'signed out' }))));
}
