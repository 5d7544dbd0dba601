// "Approved apps": the apps this principal allowed through OAuth, each with its scopes, when it
// was allowed and last used, and a Revoke button (its tokens stop at once).
import { api } from './api.js';
import { announce, h, replace } from './dom.js';

const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Load the approved apps into the `apps-list` element (and show its section when there are any). */
export async function showApps() {
  const section = document.getElementById('apps-section');
  const list = document.getElementById('apps-list');
  let items;
  try {
    ({ items } = await api('/v1/apps'));
  } catch (err) {
    if (err.isAuth) return;
    section.hidden = false;
    replace(list, h('li', { class: 'form-error', text: `The approved apps could not be loaded: ${err.message}` }));
    return;
  }
  section.hidden = items.length === 0;
  replace(
    list,
    ...items.map((app) =>
      h(
        'li',
        { class: 'panel app-item' },
        h('p', { class: 'app-name', text: app.name }),
        h('p', { class: 'muted', text: `Can ${app.scopes.includes('write') ? 'read and change' : 'read'} (${app.scopes.join(' ')}). Allowed ${when(app.createdAt)}; last used ${when(app.lastUsedAt)}.` }),
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Revoke ${app.name}`, onclick: () => void revoke(app) }, 'Revoke'),
      ),
    ),
  );
}

async function revoke(app) {
  try {
    await api(`/v1/apps/${encodeURIComponent(app.clientID)}`, { method: 'DELETE' });
    announce(`${app.name} no longer has access.`);
  } catch (err) {
    if (!err.isAuth) announce(`${app.name} could not be revoked: ${err.message}`);
  }
  await showApps();
}
