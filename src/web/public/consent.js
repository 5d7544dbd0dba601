// The consent page of OAuth (api.md §12): sign in if this tab is not, show what the app asks
// for, and send the person's answer. The server chose where the browser goes next.
import { api, ApiError, token } from './api.js';
import { h, replace } from './dom.js';
import { showMatrixForm } from './matrix-form.js';
import { signInWithMatrix } from './matrix-sign-in.js';

const $ = (id) => document.getElementById(id);
const SCOPE_TEXT = {
  read: 'See your bridges, chat accounts and login sessions',
  write: 'Connect, reconnect and remove chat accounts, and answer login steps',
};
const requestID = new URLSearchParams(location.hash.slice(1)).get('request') ?? '';

function show(id) {
  for (const s of ['consent-loading', 'consent-signin', 'consent-ask', 'consent-done']) $(s).hidden = s !== id;
  $(id).querySelector('h1')?.focus();
}

function done(title, text) {
  $('done-title').textContent = title;
  $('done-text').textContent = text;
  show('consent-done');
}

// A person without a token here signs in with Matrix, when the server offers it (GET /v1/info
// needs no token), as on the main page.
async function offerMatrixSignIn() {
  const info = await api('/v1/info').catch(() => undefined);
  if (info?.auth?.matrixSignIn) showMatrixForm($('matrix-panel'), async (values) => {
    await signInWithMatrix(values);
    await load();
  });
}

async function load() {
  if (!token.get()) {
    void offerMatrixSignIn();
    return show('consent-signin');
  }
  try {
    const r = await api(`/v1/oauth/requests/${encodeURIComponent(requestID)}`);
    $('consent-app').textContent = r.clientName;
    $('consent-host').textContent = r.redirectHost;
    replace($('consent-scopes'), ...r.scopes.map((s) => h('li', {}, `${SCOPE_TEXT[s] ?? s} (${s})`)));
    show('consent-ask');
  } catch (err) {
    if (err instanceof ApiError && err.isAuth) {
      token.clear();
      return show('consent-signin');
    }
    done('This request cannot be answered', err.message);
  }
}

async function answer(allow) {
  $('consent-allow').disabled = $('consent-deny').disabled = true;
  try {
    const { redirectTo } = await api('/v1/oauth/decisions', { method: 'POST', body: { requestID, allow } });
    done(allow ? 'Access allowed' : 'Access denied', 'Going back to the app…');
    location.assign(redirectTo);
  } catch (err) {
    done('This request cannot be answered', err.message);
  }
}

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('signin-token').value.trim();
  if (!value) {
    $('signin-error').textContent = 'Paste the access token first.';
    $('signin-error').hidden = false;
    return;
  }
  token.set(value);
  void load();
});
$('consent-allow').addEventListener('click', () => void answer(true));
$('consent-deny').addEventListener('click', () => void answer(false));
void load();
