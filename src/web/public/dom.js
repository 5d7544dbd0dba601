// DOM helpers. Everything the page shows is built with createElement and textContent:
// API data is never parsed as HTML.

/**
 * Build an element. `props` keys: `class`, `text` (textContent), `on<event>` with a function
 * (a listener); `true` sets an empty attribute (`disabled`, `hidden`, ...); `false`, null and
 * undefined set nothing; anything else is set as an attribute.
 * `children` may hold elements, strings, or null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child);
  }
}

/** Replace the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let liveTimer;

/** Say `message` through the page's polite live region (and show it in the status line). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Clearing first makes a screen reader repeat a message identical to the previous one.
  region.textContent = '';
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => { region.textContent = message; }, 50);
}

/** A status word shown as a badge; `kind` picks its colour (ok, busy, warn, bad, off). */
export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}`, text: text.replaceAll('_', ' ') });
}

const statusKinds = {
  available: 'ok', connected: 'ok', complete: 'ok',
  connecting: 'busy', backfilling: 'busy', waiting_for_input: 'busy', waiting_for_cookies: 'busy', waiting_for_display: 'busy',
  limit_reached: 'warn', temporarily_unavailable: 'warn', connection_required: 'warn', reconnect_required: 'warn',
  attention_required: 'warn', needs_login: 'warn', unknown: 'warn',
  disabled: 'off', disconnected: 'off', logged_out: 'off', cancelled: 'off',
  failed: 'bad',
};

/** A badge for any status enum of the API. */
export function statusBadge(status) {
  return badge(status, statusKinds[status] ?? 'off');
}

/** A random key for `Idempotency-Key` (works outside secure contexts too). */
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
