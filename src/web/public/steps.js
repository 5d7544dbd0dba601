// How each kind of step looks: waiting displays (QR, pairing code, emoji, nothing), the
// final account, and the end of a session that did not complete.

import { h, statusBadge } from './dom.js';

const displayTitles = {
  qr: 'Scan the QR code',
  code: 'Enter the pairing code',
  emoji: 'Compare the emoji',
  nothing: 'Waiting for the other side',
};

/** The heading for a step or a finished session. */
export function stepTitle(session) {
  const step = session.currentStep;
  if (session.status === 'complete') return 'Account connected';
  if (session.status === 'cancelled') return 'Login cancelled';
  if (session.status === 'failed') return session.error?.code === 'session_expired' ? 'Login session expired' : 'Login failed';
  if (step?.type === 'user_input') {
    return step.fields?.length > 0 && step.fields.every((f) => f.type === 'code') ? 'Enter the code' : 'Sign in';
  }
  if (step?.type === 'cookies') return 'Sign in on the website';
  if (step?.type === 'display_and_wait') return displayTitles[step.display?.type] ?? 'Waiting';
  return 'Waiting';
}

/** Instructions paragraph; `reasked` marks a step asked again (e.g. after a wrong code). */
export function instructions(text, reasked = false) {
  if (!text) return null;
  return h('p', { class: reasked ? 'instructions reasked' : 'instructions' }, reasked ? h('span', { class: 'icon', 'aria-hidden': 'true', text: '⚠ ' }) : null, linkify(text));
}

/** Text with its http(s) URLs as links that open in a new tab (built as nodes, never as HTML). */
function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    parts.push(text.slice(last, match.index));
    parts.push(h('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer', text: match[0] }));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/**
 * A countdown to `deadline` (local ms). Returns the element and a stop function.
 * Not a live region: a screen reader is told when the code changes, not every second.
 */
function countdown(deadline) {
  const value = h('span', { class: 'countdown-value' });
  const element = h('p', { class: 'countdown' });
  const tick = () => {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (seconds > 0) {
      value.textContent = `${seconds} s`;
      element.replaceChildren('This code expires in ', value);
      element.classList.toggle('soon', seconds <= 5);
    } else {
      element.replaceChildren('This code has expired; a new one is on its way…');
      element.classList.add('soon');
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return { element, stop: () => clearInterval(timer) };
}

function spinner(label) {
  return h('div', { class: 'waiting' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text: label }));
}

/**
 * The body of a `display_and_wait` step. `deadline` is when the shown code expires, in local
 * milliseconds (undefined when unknown). Returns the element and a cleanup function.
 */
export function renderDisplay(step, deadline) {
  const display = step.display ?? { type: 'nothing' };
  const parts = [];
  let stop = () => {};
  if (display.type === 'qr') {
    parts.push(instructions(step.instructions ?? 'Scan this code with the app on your phone.'));
    if (display.imageURL) {
      parts.push(h('img', { class: 'qr', src: display.imageURL, width: 280, height: 280, alt: 'QR code to scan with your phone', 'data-qr': display.data }));
    } else {
      // Without an image the payload is all there is; a client without a QR library shows it.
      parts.push(h('p', { class: 'code-display small', text: display.data }));
    }
    parts.push(qrLink(display.data, step.instructions));
    if (deadline !== undefined) {
      const c = countdown(deadline);
      parts.push(c.element);
      stop = c.stop;
    }
  } else if (display.type === 'code') {
    parts.push(instructions(step.instructions ?? 'Enter this code on your other device.'));
    parts.push(h('p', { class: 'code-display', 'data-code': display.data },
      h('span', { class: 'visually-hidden', text: `Pairing code: ${spell(display.data)}` }),
      h('span', { 'aria-hidden': 'true', text: display.data })));
    if (navigator.clipboard) {
      const copy = h('button', { type: 'button', class: 'secondary', text: 'Copy code' });
      copy.addEventListener('click', () => {
        navigator.clipboard.writeText(display.data).then(() => { copy.textContent = 'Copied'; }, () => { copy.textContent = 'Copy failed'; });
      });
      parts.push(h('div', { class: 'actions' }, copy));
    }
    if (deadline !== undefined) {
      const c = countdown(deadline);
      parts.push(c.element);
      stop = c.stop;
    }
  } else if (display.type === 'emoji') {
    parts.push(instructions(step.instructions ?? 'Check that the same emoji appear on your other device.'));
    if (display.imageURL) parts.push(h('img', { class: 'emoji-image', src: display.imageURL, alt: display.data ? `Emoji: ${display.data}` : 'Emoji to compare' }));
    if (display.data) parts.push(h('p', { class: 'emoji-display', text: display.data }));
  } else {
    parts.push(instructions(step.instructions));
  }
  parts.push(spinner('Waiting…'));
  return { element: h('div', { class: `display display-${display.type}` }, parts), stop };
}

/**
 * The QR code's link, where the instructions promise one ("or open its link"): a phone cannot
 * always reach this server (127.0.0.1), so the code must be usable from this browser too. For
 * the demo bridge, whose scan page is on this server, "I scanned it" confirms it in one click.
 */
function qrLink(data, text) {
  const url = webURL(data);
  if (!url || !/\bopen\b[^.]*\blink\b/i.test(text ?? '')) return null;
  const link = h('a', { class: 'qr-link', href: url.href, target: '_blank', rel: 'noopener noreferrer' }, url.href,
    h('span', { class: 'visually-hidden', text: ' (opens in a new tab)' }));
  const sameOrigin = url.origin === location.origin && url.pathname.startsWith('/demo/scan/');
  return h('div', { class: 'qr-alternative' },
    h('p', {}, 'Or open its link: ', link),
    sameOrigin ? demoScanButton(url.href) : null);
}

/** An http(s) URL, or undefined for anything else (javascript:, a bridge's own scheme, …). */
function webURL(data) {
  try {
    const url = new URL(String(data));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The demo phone's part: POST the scan URL, as its confirm page does; the session stream shows the result. */
function demoScanButton(href) {
  const status = h('span', { class: 'muted', role: 'status' });
  const button = h('button', { type: 'button', class: 'secondary', text: 'I scanned it' });
  button.addEventListener('click', () => {
    button.disabled = true;
    status.textContent = ' Confirming…';
    fetch(href, { method: 'POST', credentials: 'omit' }).then((res) => {
      if (res.ok) return;
      button.disabled = false;
      status.textContent = res.status === 404 ? ' This code was already replaced or used; try the one shown now.' : ` The demo phone could not confirm (HTTP ${res.status}).`;
    }, () => {
      button.disabled = false;
      status.textContent = ' The demo phone could not reach the server.';
    });
  });
  return h('p', { class: 'demo-scan' }, button, h('span', { class: 'muted', text: ' (demo bridge: confirms the sign-in as its phone would)' }), status);
}

/** Spell a code character by character so a screen reader does not read it as a word. */
function spell(code) {
  return String(code).split('').join(' ');
}

function userLine(user) {
  if (!user) return null;
  const name = user.fullName || user.username || user.id;
  const handle = user.username && user.username !== name ? `@${user.username}` : null;
  return h('p', { class: 'user' }, h('strong', { text: name }), handle ? h('span', { class: 'muted', text: ` ${handle}` }) : null);
}

/** The `complete` state: the account that was added or updated. */
export function renderComplete(session) {
  const account = session.account ?? session.currentStep?.account;
  const login = session.login ?? session.currentStep?.login;
  const user = account?.user ?? login?.user;
  const status = account?.status ?? login?.status;
  return h('div', { class: 'result result-ok' },
    instructions(session.currentStep?.instructions),
    h('div', { class: 'account-card' },
      userLine(user),
      status ? h('p', {}, 'Status: ', statusBadge(status), account?.statusText ? h('span', { class: 'muted', text: ` ${account.statusText}` }) : null) : null,
      account?.network ? h('p', { class: 'muted', text: `Network: ${account.network}` }) : null,
    ),
  );
}

/** A session that ended without an account: failed, expired or cancelled. */
export function renderEnded(session) {
  if (session.status === 'cancelled') {
    return h('div', { class: 'result result-off' }, h('p', { text: 'The login was cancelled. Nothing was connected.' }));
  }
  const error = session.error ?? { code: 'unknown', message: 'The login did not complete.' };
  return h('div', { class: 'result result-bad' },
    h('p', { text: error.message || 'The login did not complete.' }),
    h('p', { class: 'muted' }, 'Error code: ', h('code', { text: error.code })),
  );
}
