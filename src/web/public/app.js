// bridge-login's web page: connect and manage chat accounts through the public API only.
// Entry point: the access token, and switching between the three views (token, accounts,
// login session).

import { ApiError, api, setAuthErrorHandler, token } from './api.js';
import { showApps } from './apps.js';
import { loadBridges, renderBridges } from './bridges.js';
import { announce, h } from './dom.js';
import { hideMatrixForm, showMatrixForm } from './matrix-form.js';
import { signInWithMatrix } from './matrix-sign-in.js';
import { loadPeople } from './people.js';
import { SessionView, createSession } from './session.js';

const $ = (id) => document.getElementById(id);
const views = ['token-view', 'bridges-view', 'session-view'];
let session;
let checkingToken = false;

function show(view) {
  for (const id of views) $(id).hidden = id !== view;
  if (view === 'token-view' && matrixSignIn) showMatrixForm($('matrix-panel'), signInAndShow);
  else hideMatrixForm($('matrix-panel'));
  $('loading').hidden = true;
  const user = view === 'token-view' ? null : token.user();
  $('forget-token').hidden = view === 'token-view' || Boolean(user);
  $('signed-in').hidden = !user;
  $('signed-in-as').textContent = user ? `Signed in as ${user}` : '';
  if (view !== 'session-view' && session) {
    session.destroy();
    session = undefined;
  }
}

/** Take `#token=…` from the address, keep it for this tab, and remove it from the address bar. */
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const value = params.get('token');
  if (!value) return false;
  token.set(value.trim());
  history.replaceState(history.state, '', location.pathname + location.search);
  return true;
}

function showTokenView(reason) {
  show('token-view');
  const notice = $('token-reason');
  notice.hidden = !reason;
  notice.textContent = reason ?? '';
  $('token-title').focus();
}

async function showBridges(focusBridgeID, moveFocus = true) {
  const list = $('bridge-list');
  const error = $('bridges-error');
  show('bridges-view');
  if (!list.firstChild) list.append(h('li', { class: 'muted', text: 'Loading…' }));
  list.setAttribute('aria-busy', 'true');
  try {
    const entries = await loadBridges();
    error.hidden = true;
    renderBridges(list, entries, { onConnect: connect, onRemoved: (id) => void showBridges(id) });
    void showApps();
  } catch (err) {
    if (err.isAuth) return;
    error.hidden = false;
    error.textContent = `The accounts could not be loaded: ${err.message}`;
  } finally {
    list.removeAttribute('aria-busy');
  }
  if (!token.user()) void loadPeople($('people-section'), $('people-list'), $('people-error')).catch(() => {});
  if (!moveFocus) return;
  const target = focusBridgeID && document.getElementById(`bridge-${focusBridgeID}-title`);
  (target || $('bridges-title')).focus();
}

/** Start a login session on `bridge`: a new account, or a reconnect of `login` when given. */
async function connect(bridge, flow, login) {
  const created = await createSession(bridge.id, { flowID: flow?.id, loginID: login?.loginID });
  show('session-view');
  session = new SessionView($('session-view'), {
    bridge,
    flow,
    login,
    session: created,
    onExit: () => void showBridges(bridge.id),
  });
}

setAuthErrorHandler((err) => {
  token.clear();
  if (checkingToken) return;
  showTokenView(err.code === 'missing_token'
    ? 'The server asked for an access token.'
    : 'The server did not accept the access token (it may have been revoked). Please use a new one.');
});

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('token-input');
  const fieldError = $('token-error');
  const value = input.value.trim();
  fieldError.hidden = true;
  input.removeAttribute('aria-invalid');
  const fail = (message) => {
    fieldError.hidden = false;
    fieldError.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  if (!value) return fail('Paste the access token first.');
  token.set(value);
  checkingToken = true;
  try {
    await loadBridges();
    input.value = '';
    announce('Token accepted.');
    await showBridges();
  } catch (err) {
    token.clear();
    fail(err instanceof ApiError && err.isAuth ? 'The server does not accept this token.' : err.message);
  } finally {
    checkingToken = false;
  }
});

let matrixSignIn = false;

// Offered only when the server lets anyone sign in with Matrix (GET /v1/info needs no token).
async function offerMatrixSignIn() {
  try {
    matrixSignIn = Boolean((await api('/v1/info'))?.auth?.matrixSignIn);
  } catch {
    matrixSignIn = false;
  }
  if (matrixSignIn && !$('token-view').hidden) showMatrixForm($('matrix-panel'), signInAndShow);
}

async function signInAndShow(values) {
  const signedIn = await signInWithMatrix(values);
  announce(`Signed in as ${signedIn.userID}.`);
  await showBridges();
}

$('sign-out').addEventListener('click', async () => {
  // Revoke the token on the server too; forget it here whatever the answer.
  await api('/v1/auth/token', { method: 'DELETE' }).catch(() => {});
  token.clear();
  showTokenView('You are signed out.');
});

$('forget-token').addEventListener('click', () => {
  token.clear();
  showTokenView('The token was removed from this tab.');
});

$('refresh').addEventListener('click', () => void showBridges(undefined, false));

window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment()) void showBridges();
});

void offerMatrixSignIn();
takeTokenFromFragment();
if (token.get()) void showBridges();
else showTokenView();
