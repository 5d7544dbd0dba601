// One login in a bridge's list: who it is, its status, and its two actions. Reconnect starts
// a login session for that login (`{loginID, flowID}`), asking for the sign-in method first
// when the bridge has several; Remove asks for confirmation and, when there are two, a scope.

import { api, bridgePath } from './api.js';
import { announce, h, statusBadge } from './dom.js';

const scopeLabels = {
  'current-device': 'Only this connection (the account stays signed in on your other devices)',
  'all-devices': 'Everywhere (sign the account out on all devices)',
};

/** Login statuses that mean the user has to sign in again: Reconnect is the main action then. */
const needsSignIn = new Set(['needs_login', 'logged_out', 'unknown']);

/** The account status that follows from each login status (`api.md` §3); others are shown. */
const accountStatusOf = {
  connected: 'connected', connecting: 'connecting', needs_login: 'reconnect_required',
  logged_out: 'disconnected', unknown: 'attention_required',
};

let nextID = 0;

export function userName(user, fallback) {
  return user?.fullName || user?.username || user?.id || fallback;
}

/** The name in bold and, when it differs, the @username beside it. */
export function who(user, fallback) {
  const name = userName(user, fallback);
  const handle = user?.username && user.username !== name ? ` @${user.username}` : '';
  return [h('strong', { text: name }), handle ? h('span', { class: 'muted', text: handle }) : null];
}

/**
 * The list item of a login. `reconnect` says whether and how it can be reconnected:
 * `{flows, flowID, disabledBy?}` (`flowID` preselected, `disabledBy` the ID of the element
 * saying why not). `onReconnect(flow)` starts the session; `onRemoved()` refreshes the list.
 */
export function loginItem(bridge, login, accounts, { reconnect, onReconnect, onRemoved }) {
  const user = login.user ?? accounts[0]?.user;
  const name = userName(user, login.loginID);
  const prominent = needsSignIn.has(login.status);
  const reconnectButton = h('button', {
    type: 'button',
    class: prominent ? 'primary' : 'secondary',
    disabled: Boolean(reconnect.disabledBy),
    'aria-describedby': reconnect.disabledBy,
    'aria-expanded': reconnect.flows.length > 1 ? 'false' : undefined,
  }, 'Reconnect', h('span', { class: 'visually-hidden', text: ` ${name}` }));
  const remove = h('button', { type: 'button', class: 'secondary danger-text', 'aria-expanded': 'false' },
    'Remove', h('span', { class: 'visually-hidden', text: ` ${name}` }));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const item = h('li', { class: 'login', 'data-login': login.loginID },
    h('div', { class: 'login-main' }, who(user, login.loginID), statusBadge(login.status),
      h('div', { class: 'login-actions' }, reconnectButton, remove)),
    login.statusText ? h('p', { class: 'muted small', text: login.statusText }) : null,
    prominent && !login.statusText ? h('p', { class: 'muted small', text: 'Sign in again to use this account.' }) : null,
    accounts.filter((a) => a.status !== accountStatusOf[login.status]).map((a) =>
      h('p', { class: 'small' }, `Account ${a.accountID}: `, statusBadge(a.status))),
    error);

  // One panel (reconnect or remove) at a time under the login; opening one closes the other.
  let shown;
  const open = (button, build) => {
    if (shown?.button === button) return;
    shown?.dismiss();
    button.setAttribute('aria-expanded', 'true');
    const dismiss = () => {
      panel.remove();
      button.setAttribute('aria-expanded', 'false');
      shown = undefined;
    };
    const close = () => {
      dismiss();
      button.focus();
    };
    const panel = build(close);
    panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
    shown = { button, dismiss };
    item.append(panel);
    panel.querySelector('input, select, button[type="submit"]')?.focus();
  };

  const start = async (flow, button) => {
    button.disabled = true;
    error.hidden = true;
    try {
      await onReconnect(flow);
    } catch (err) {
      if (err.isAuth) return;
      error.hidden = false;
      error.textContent = `${name} could not be reconnected: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  };

  reconnectButton.addEventListener('click', () => {
    if (reconnect.flows.length <= 1) {
      void start(reconnect.flows[0], reconnectButton);
      return;
    }
    open(reconnectButton, (close) => reconnectForm(bridge, name, reconnect, start, close));
  });
  remove.addEventListener('click', () => open(remove, (close) => removeConfirm(bridge, login, name, close, onRemoved)));
  return item;
}

/** The sign-in method to reconnect with, for a bridge with several. */
function reconnectForm(bridge, name, { flows, flowID }, start, close) {
  const id = `reconnect-${++nextID}`;
  const select = h('select', { id: `${id}-flow`, name: 'flow', 'aria-describedby': `${id}-hint` },
    flows.map((f) => h('option', { value: f.id, text: f.name || f.id })));
  if (flows.some((f) => f.id === flowID)) select.value = flowID;
  const hint = h('p', { class: 'hint', id: `${id}-hint` });
  const describe = () => { hint.textContent = flows.find((f) => f.id === select.value)?.description ?? ''; };
  select.addEventListener('change', describe);
  describe();
  const submit = h('button', { type: 'submit', class: 'primary', text: `Reconnect ${name}` });
  const keep = h('button', { type: 'button', class: 'secondary', text: 'Not now' });
  const form = h('form', { class: 'inline-form reconnect', 'aria-labelledby': `${id}-title` },
    h('p', { id: `${id}-title` }, h('strong', { text: `Reconnect ${name} to ${bridge.displayName}` }),
      ' Choose how to sign in again.'),
    h('div', { class: 'field' }, h('label', { for: select.id, text: 'Sign-in method' }), select, hint),
    h('div', { class: 'actions' }, submit, keep));
  keep.addEventListener('click', close);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void start(flows.find((f) => f.id === select.value), submit);
  });
  return form;
}

function removeConfirm(bridge, login, name, close, onRemoved) {
  const scopes = login.removeScopes?.length ? login.removeScopes : ['current-device'];
  const titleID = `remove-${++nextID}-title`;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'danger', text: `Remove ${name}` });
  const keep = h('button', { type: 'button', class: 'secondary', text: 'Keep' });
  const choice = scopes.length > 1
    ? h('fieldset', {},
      h('legend', { text: 'Sign out' }),
      scopes.map((scope, i) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'scope', value: scope, checked: i === 0 }),
        h('span', { text: scopeLabels[scope] ?? scope }))))
    : null;
  const form = h('form', { class: 'inline-form confirm', 'aria-labelledby': titleID },
    h('p', { id: titleID }, h('strong', { text: `Remove ${name} from ${bridge.displayName}?` }),
      ' It is signed out on the bridge and deleted from this server.'),
    choice, error,
    h('div', { class: 'actions' }, submit, keep));
  keep.addEventListener('click', close);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scope = choice ? new FormData(form).get('scope') : scopes[0];
    submit.disabled = true;
    error.hidden = true;
    try {
      const answer = await api(bridgePath(bridge.id, 'logins', login.loginID, 'remove'), { method: 'POST', body: { scope } });
      const count = answer?.affectedAccountIDs?.length;
      announce(`Removed ${name}${count ? ` (${count} account${count === 1 ? '' : 's'})` : ''}.`);
      onRemoved();
    } catch (err) {
      if (err.isAuth) return;
      submit.disabled = false;
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  return form;
}
