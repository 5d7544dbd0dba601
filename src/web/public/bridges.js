// The bridge list: each bridge with its status, its logins and accounts, a Connect button
// (with a choice of flow when there are several) and a Remove action per login.

import { api, bridgePath } from './api.js';
import { announce, h, replace, statusBadge } from './dom.js';

const unavailableReasons = {
  connected: 'This bridge is connected and does not support more accounts.',
  limit_reached: 'This bridge has as many accounts as it allows.',
  temporarily_unavailable: 'This bridge is not answering right now. Try again later.',
  disabled: 'This bridge is turned off in the server configuration.',
};

const scopeLabels = {
  'current-device': 'Only this connection (the account stays signed in on your other devices)',
  'all-devices': 'Everywhere (sign the account out on all devices)',
};

/** The flow last chosen per bridge, kept while the list is redrawn. */
const chosenFlows = new Map();

/** Fetch every bridge with its flows and logins. A bridge whose details fail keeps its error. */
export async function loadBridges() {
  const { items } = await api('/v1/bridges');
  return Promise.all(items.map(async (bridge) => {
    const [flows, logins] = await Promise.allSettled([
      bridge.status === 'available' ? api(bridgePath(bridge.id, 'login-flows')) : Promise.resolve({ items: [] }),
      api(bridgePath(bridge.id, 'logins')),
    ]);
    return {
      bridge,
      flows: flows.status === 'fulfilled' ? flows.value.items : [],
      logins: logins.status === 'fulfilled' ? logins.value.items : [],
      errors: [flows, logins].filter((r) => r.status === 'rejected').map((r) => r.reason),
    };
  }));
}

/**
 * Render the list into `list`. `onConnect(bridge, flow, button, errorEl)` starts a session;
 * `onRemoved(bridgeID)` refreshes after a removal.
 */
export function renderBridges(list, entries, { onConnect, onRemoved }) {
  if (entries.length === 0) {
    replace(list, h('li', { class: 'panel muted', text: 'No bridges are configured on this server.' }));
    return;
  }
  replace(list, entries.map((entry) => bridgeCard(entry, { onConnect, onRemoved })));
}

function bridgeCard({ bridge, flows, logins, errors }, { onConnect, onRemoved }) {
  const headingID = `bridge-${bridge.id}-title`;
  const meta = [bridge.network, bridge.provider].filter(Boolean).join(' · ');
  return h('li', { class: 'panel bridge', 'data-bridge': bridge.id, 'aria-labelledby': headingID },
    h('div', { class: 'bridge-head' },
      h('h2', { id: headingID, tabindex: '-1', text: bridge.displayName }),
      statusBadge(bridge.status)),
    meta ? h('p', { class: 'muted', text: meta }) : null,
    // An unavailable bridge shows its statusText as the reason beside the Connect button.
    bridge.statusText && bridge.status === 'available' ? h('p', { class: 'status-text', text: bridge.statusText }) : null,
    errors.map((e) => h('p', { class: 'form-error', text: e.message })),
    accountsSection(bridge, logins, onRemoved),
    connectSection(bridge, flows, onConnect));
}

function accountsSection(bridge, logins, onRemoved) {
  const accounts = bridge.accounts ?? [];
  const claimed = new Set();
  const items = logins.map((login) => {
    const own = accounts.filter((a) => a.loginID === login.loginID || login.accountIDs?.includes(a.accountID));
    for (const a of own) claimed.add(a.accountID);
    return loginItem(bridge, login, own, onRemoved);
  });
  for (const account of accounts) {
    if (!claimed.has(account.accountID)) items.push(accountItem(account));
  }
  return h('section', { class: 'accounts', 'aria-label': `Accounts on ${bridge.displayName}` },
    h('h3', { text: 'Accounts' }),
    items.length > 0 ? h('ul', { class: 'login-list' }, items) : h('p', { class: 'muted', text: 'No account connected yet.' }));
}

function userName(user, fallback) {
  return user?.fullName || user?.username || user?.id || fallback;
}

function who(user, fallback) {
  const name = userName(user, fallback);
  const handle = user?.username && user.username !== name ? ` @${user.username}` : '';
  return [h('strong', { text: name }), handle ? h('span', { class: 'muted', text: handle }) : null];
}

function accountItem(account) {
  return h('li', { class: 'login', 'data-account': account.accountID },
    h('div', { class: 'login-main' }, who(account.user, account.accountID), statusBadge(account.status)),
    account.statusText ? h('p', { class: 'muted small', text: account.statusText }) : null);
}

function loginItem(bridge, login, accounts, onRemoved) {
  const name = userName(login.user ?? accounts[0]?.user, login.loginID);
  const remove = h('button', { type: 'button', class: 'secondary danger-text', 'aria-expanded': 'false' },
    'Remove', h('span', { class: 'visually-hidden', text: ` ${name}` }));
  const item = h('li', { class: 'login', 'data-login': login.loginID },
    h('div', { class: 'login-main' }, who(login.user ?? accounts[0]?.user, login.loginID), statusBadge(login.status), remove),
    login.statusText ? h('p', { class: 'muted small', text: login.statusText }) : null,
    accounts.filter((a) => a.status !== login.status).map((a) =>
      h('p', { class: 'small' }, `Account ${a.accountID}: `, statusBadge(a.status))));
  remove.addEventListener('click', () => {
    if (item.querySelector('.confirm')) return;
    remove.setAttribute('aria-expanded', 'true');
    const close = () => {
      confirm.remove();
      remove.setAttribute('aria-expanded', 'false');
      remove.focus();
    };
    const confirm = removeConfirm(bridge, login, name, close, onRemoved);
    item.append(confirm);
    confirm.querySelector('input, button.danger')?.focus();
  });
  return item;
}

function removeConfirm(bridge, login, name, close, onRemoved) {
  const scopes = login.removeScopes?.length ? login.removeScopes : ['current-device'];
  const titleID = `remove-${login.loginID}-title`;
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
  const form = h('form', { class: 'confirm', 'aria-labelledby': titleID },
    h('p', { id: titleID }, h('strong', { text: `Remove ${name} from ${bridge.displayName}?` }),
      ' It is signed out on the bridge and deleted from this server.'),
    choice, error,
    h('div', { class: 'actions' }, submit, keep));
  keep.addEventListener('click', close);
  form.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scope = choice ? new FormData(form).get('scope') : scopes[0];
    submit.disabled = true;
    error.hidden = true;
    try {
      const answer = await api(bridgePath(bridge.id, 'logins', login.loginID, 'remove'), { method: 'POST', body: { scope } });
      const count = answer?.affectedAccountIDs?.length;
      announce(`Removed ${name}${count ? ` (${count} account${count === 1 ? '' : 's'})` : ''}.`);
      onRemoved(bridge.id);
    } catch (err) {
      if (err.isAuth) return;
      submit.disabled = false;
      error.hidden = false;
      error.textContent = err.message;
    }
  });
  return form;
}

function connectSection(bridge, flows, onConnect) {
  const available = bridge.status === 'available';
  const reasonID = `bridge-${bridge.id}-reason`;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', {
    type: 'submit', class: 'primary', disabled: !available,
    'aria-describedby': available ? undefined : reasonID,
    text: `Connect to ${bridge.displayName}`,
  });
  let select;
  let description;
  if (available && flows.length > 1) {
    const selectID = `bridge-${bridge.id}-flow`;
    description = h('p', { class: 'hint', id: `${selectID}-hint` });
    select = h('select', { id: selectID, name: 'flow', 'aria-describedby': `${selectID}-hint` },
      flows.map((f) => h('option', { value: f.id, text: f.name || f.id })));
    if (flows.some((f) => f.id === chosenFlows.get(bridge.id))) select.value = chosenFlows.get(bridge.id);
    const describe = () => { description.textContent = flows.find((f) => f.id === select.value)?.description ?? ''; };
    select.addEventListener('change', () => { chosenFlows.set(bridge.id, select.value); describe(); });
    describe();
  }
  const form = h('form', { class: 'connect' },
    select ? h('div', { class: 'field' }, h('label', { for: select.id, text: 'Sign-in method' }), select, description) : null,
    available ? null : h('p', { class: 'reason', id: reasonID, text: bridge.statusText || unavailableReasons[bridge.status] || 'This bridge cannot connect accounts right now.' }),
    h('div', { class: 'actions' }, button),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const flow = select ? flows.find((f) => f.id === select.value) : flows[0];
    button.disabled = true;
    button.textContent = 'Starting…';
    error.hidden = true;
    try {
      await onConnect(bridge, flow);
    } catch (err) {
      if (err.isAuth) return;
      error.hidden = false;
      error.textContent = err.message;
    } finally {
      button.disabled = false;
      button.textContent = `Connect to ${bridge.displayName}`;
    }
  });
  return form;
}
