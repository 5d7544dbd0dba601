// The bridge list: each bridge with its status, its logins and accounts, and a Connect button
// (with a choice of flow when there are several). Each login's row is built in logins.js.

import { api, bridgePath } from './api.js';
import { h, replace, statusBadge } from './dom.js';
import { loginItem, who } from './logins.js';

const unavailableReasons = {
  connected: 'This bridge is connected and does not support more accounts.',
  limit_reached: 'This bridge has as many accounts as it allows.',
  temporarily_unavailable: 'This bridge is not answering right now. Try again later.',
  disabled: 'This bridge is turned off in the server configuration.',
};

/** Bridge statuses in which no login session can start, not even a reconnect. */
const unreachable = new Set(['disabled', 'temporarily_unavailable']);

/** The flow last chosen per bridge, kept while the list is redrawn. */
const chosenFlows = new Map();

/**
 * Fetch every bridge with its flows and logins. A bridge whose details fail keeps its error.
 * Flows are fetched for every bridge that can start a session: one that takes no new account
 * (`connected`, `limit_reached`) can still reconnect the ones it has.
 */
export async function loadBridges() {
  const { items } = await api('/v1/bridges');
  return Promise.all(items.map(async (bridge) => {
    const [flows, logins] = await Promise.allSettled([
      unreachable.has(bridge.status) ? Promise.resolve({ items: [] }) : api(bridgePath(bridge.id, 'login-flows')),
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
 * Render the list into `list`. `onConnect(bridge, flow, login?)` starts a session (a reconnect
 * of `login` when given); `onRemoved(bridgeID)` refreshes after a removal.
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
    accountsSection(bridge, flows, logins, { onConnect, onRemoved }),
    connectSection(bridge, flows, onConnect));
}

function accountsSection(bridge, flows, logins, { onConnect, onRemoved }) {
  const accounts = bridge.accounts ?? [];
  const claimed = new Set();
  const reconnect = {
    flows,
    flowID: chosenFlows.get(bridge.id),
    // The reason shown beside the disabled Connect button says why.
    disabledBy: unreachable.has(bridge.status) ? reasonID(bridge) : undefined,
  };
  const items = logins.map((login) => {
    const own = accounts.filter((a) => a.loginID === login.loginID || login.accountIDs?.includes(a.accountID));
    for (const a of own) claimed.add(a.accountID);
    return loginItem(bridge, login, own, {
      reconnect,
      onReconnect: (flow) => onConnect(bridge, flow, login),
      onRemoved: () => onRemoved(bridge.id),
    });
  });
  for (const account of accounts) {
    if (!claimed.has(account.accountID)) items.push(accountItem(account));
  }
  return h('section', { class: 'accounts', 'aria-label': `Accounts on ${bridge.displayName}` },
    h('h3', { text: 'Accounts' }),
    items.length > 0 ? h('ul', { class: 'login-list' }, items) : h('p', { class: 'muted', text: 'No account connected yet.' }));
}

/** An account with no login of its own in the list (a bridge may report more than one per login). */
function accountItem(account) {
  return h('li', { class: 'login', 'data-account': account.accountID },
    h('div', { class: 'login-main' }, who(account.user, account.accountID), statusBadge(account.status)),
    account.statusText ? h('p', { class: 'muted small', text: account.statusText }) : null);
}

function reasonID(bridge) {
  return `bridge-${bridge.id}-reason`;
}

function connectSection(bridge, flows, onConnect) {
  const available = bridge.status === 'available';
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', {
    type: 'submit', class: 'primary', disabled: !available,
    'aria-describedby': available ? undefined : reasonID(bridge),
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
    available ? null : h('p', { class: 'reason', id: reasonID(bridge), text: bridge.statusText || unavailableReasons[bridge.status] || 'This bridge cannot connect accounts right now.' }),
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
