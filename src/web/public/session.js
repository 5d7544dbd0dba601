// One login session on screen: renders its current step, submits answers, follows the
// server's changes live (event stream, with polling while the stream is down), cancels.

import { api, bridgePath, readSessionEvents } from './api.js';
import { announce, h, randomKey, replace } from './dom.js';
import { attachments } from './attachments.js';
import { cookieFields, inputFields, stepForm } from './forms.js';
import { userName } from './logins.js';
import { instructions, renderComplete, renderDisplay, renderEnded, stepTitle } from './steps.js';

const POLL_INTERVAL_MS = 2000;
const terminal = new Set(['complete', 'cancelled', 'failed']);

/**
 * Start a login session on a bridge; resolves with the new LoginSession. With `loginID` it
 * reconnects that login; without `flowID` the bridge's default flow is used.
 */
export function createSession(bridgeID, { flowID, loginID } = {}) {
  const body = {};
  if (loginID) body.loginID = loginID;
  if (flowID) body.flowID = flowID;
  return api(bridgePath(bridgeID, 'login-sessions'), { method: 'POST', body });
}

function delay(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** What identifies one rendering of a session: a change in any of it redraws the step. */
function renderKey(s) {
  return JSON.stringify([s.status, s.updatedAt, s.currentStep, s.error]);
}

/**
 * The session panel. `login` is the login being reconnected (undefined for a new account);
 * `onExit()` goes back to the bridge list (which reloads it).
 */
export class SessionView {
  constructor(root, { bridge, flow, login, session, onExit }) {
    this.root = root;
    this.bridge = bridge;
    this.flow = flow;
    this.login = login;
    this.onExit = onExit;
    this.deadlines = new Map();
    this.stopStep = () => {};
    this.heading = h('h1', { id: 'session-title', tabindex: '-1' });
    this.body = h('div', { class: 'step-body' });
    this.actions = h('div', { class: 'actions session-actions' });
    this.notice = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.eyebrow = h('p', { class: 'eyebrow' });
    replace(root, h('div', { class: 'panel' }, this.eyebrow, this.heading, this.body, this.notice, this.actions));
    root.setAttribute('aria-labelledby', 'session-title');
    this.reset(session);
  }

  /** Show a (new) session and follow it. */
  reset(session) {
    this.abort?.abort();
    this.abort = new AbortController();
    this.session = undefined;
    this.key = undefined;
    const name = this.login && userName(this.login.user, this.login.loginID);
    this.eyebrow.textContent = [this.bridge.displayName, this.flow && (this.flow.name || this.flow.id), name && `Reconnect ${name}`]
      .filter(Boolean).join(' · ');
    this.apply(session);
    void this.watch(this.abort.signal);
  }

  /** Stop following the session (the panel is going away). */
  destroy() {
    this.abort?.abort();
    this.stopStep();
  }

  get path() {
    return bridgePath(this.bridge.id, 'login-sessions', this.session.loginSessionID);
  }

  /** Take a snapshot of the session from any source; stale or repeated ones change nothing. */
  apply(next, { force = false } = {}) {
    const current = this.session;
    if (!next || (current && next.loginSessionID !== current.loginSessionID)) return;
    if (current && terminal.has(current.status)) return;
    if (current?.updatedAt && next.updatedAt && next.updatedAt < current.updatedAt) return;
    const key = renderKey(next);
    this.session = next;
    if (key === this.key && !force) return;
    this.key = key;
    this.render(current);
  }

  render(previous) {
    const s = this.session;
    const step = s.currentStep;
    const prevStep = previous?.currentStep;
    const sameStep = Boolean(prevStep && step && prevStep.stepID === step.stepID && prevStep.type === step.type);
    const focusWasInside = this.root.contains(document.activeElement) || document.activeElement === document.body;
    this.stopStep();
    this.stopStep = () => {};
    this.notice.hidden = true;
    const title = this.login && s.status === 'complete' ? 'Account reconnected' : stepTitle(s);
    this.heading.textContent = title;

    let focus = this.heading;
    if (terminal.has(s.status)) {
      this.abort.abort();
      replace(this.body, s.status === 'complete' ? renderComplete(s) : renderEnded(s));
      this.renderEndActions();
      announce(s.status === 'complete' ? `${title}.` : `${title}. ${s.error?.message ?? ''}`);
    } else if (step?.type === 'user_input' || step?.type === 'cookies') {
      const reasked = sameStep && step.type === 'user_input';
      const form = stepForm({
        fields: step.type === 'cookies' ? cookieFields(step) : inputFields(step),
        submitLabel: 'Continue',
        onSubmit: (values) => this.submit(step, values, form),
      });
      replace(this.body,
        instructions(step.instructions, reasked),
        step.type === 'cookies' ? signInLink(step.url) : attachments(step.attachments),
        form.element);
      this.renderCancel();
      if (reasked) announce(step.instructions ?? 'Please answer again.');
      // A cookies step starts in another tab: start reading at the heading, not in the field.
      focus = step.type === 'cookies' && !sameStep ? this.heading : form.focusTarget;
    } else if (step?.type === 'display_and_wait') {
      const shown = renderDisplay(step, this.deadline(s));
      replace(this.body, shown.element);
      this.stopStep = shown.stop;
      if (!sameStep) this.renderCancel();
      if (sameStep && step.display?.type === 'qr') announce('A new QR code is shown.');
      else if (!sameStep) announce(stepTitle(s));
      if (sameStep) focus = undefined;
    } else {
      replace(this.body, h('p', { text: 'Waiting for the server…' }));
      this.renderCancel();
    }
    // Move focus only on a new step, and never away from something the user is using.
    if (focus && (focusWasInside || !previous)) focus.focus();
    else if (document.activeElement === document.body) this.heading.focus();
  }

  /** When the shown code expires, in this browser's time (server clocks may differ). */
  deadline(s) {
    const display = s.currentStep?.display;
    if (!display?.expiresAt) return undefined;
    const id = `${display.data}|${display.expiresAt}`;
    if (!this.deadlines.has(id)) {
      // Measured against the session's own updatedAt, which the server set when it showed
      // this code: that needs no agreement between the two clocks.
      const lifetime = Date.parse(display.expiresAt) - Date.parse(s.updatedAt ?? new Date().toISOString());
      this.deadlines.set(id, Date.now() + lifetime);
    }
    return this.deadlines.get(id);
  }

  renderCancel() {
    const cancel = h('button', { type: 'button', class: 'secondary', text: 'Cancel login' });
    cancel.addEventListener('click', () => void this.cancel(cancel));
    replace(this.actions, cancel);
  }

  renderEndActions() {
    const again = h('button', { type: 'button', class: this.session.status === 'complete' ? 'secondary' : 'primary', text: this.session.status === 'complete' ? 'Connect another account' : 'Start again' });
    again.addEventListener('click', () => void this.restart(again));
    const back = h('button', { type: 'button', class: this.session.status === 'complete' ? 'primary' : 'secondary', text: 'Back to accounts' });
    back.addEventListener('click', () => this.onExit());
    replace(this.actions, back, again);
  }

  showNotice(message) {
    this.notice.hidden = false;
    this.notice.textContent = message;
  }

  async submit(step, values, form) {
    try {
      const next = await api(`${this.path}/steps/${encodeURIComponent(step.stepID)}`, {
        method: 'POST',
        body: { type: step.type, fields: values },
        headers: { 'Idempotency-Key': randomKey() },
        signal: this.abort.signal,
      });
      // Without updatedAt a re-asked identical step would look unchanged; redraw it anyway.
      this.apply(next, { force: !next?.updatedAt });
    } catch (err) {
      if (err.name === 'AbortError' || err.isAuth) return;
      if (err.code === 'invalid_request' && Array.isArray(err.details?.issues)) {
        form.showIssues(err.details.issues, err.message);
      } else {
        form.showError(err.message);
        if (err.code === 'step_mismatch' || err.code === 'session_finished') await this.refresh();
      }
    }
  }

  async refresh() {
    try {
      this.apply(await api(this.path, { signal: this.abort.signal }));
    } catch (err) {
      if (err.name === 'AbortError' || err.isAuth) return;
      if (err.status === 404) {
        this.apply({ ...this.session, status: 'failed', currentStep: undefined, error: { code: err.code, message: 'This login session no longer exists on the server.' } });
      } else {
        this.showNotice(`Lost contact with the server: ${err.message} Retrying…`);
      }
    }
  }

  async cancel(button) {
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      const answer = await api(this.path, { method: 'DELETE' });
      this.apply({ ...this.session, status: answer?.status ?? 'cancelled', currentStep: undefined });
    } catch (err) {
      if (err.isAuth) return;
      button.disabled = false;
      button.textContent = 'Cancel login';
      this.showNotice(err.message);
      if (err.code === 'session_finished') await this.refresh();
    }
  }

  /** Start again: the same login again after a failure, a new account after a completion. */
  async restart(button) {
    button.disabled = true;
    try {
      this.deadlines.clear();
      const login = this.session.status === 'complete' ? undefined : this.login;
      const created = await createSession(this.bridge.id, { flowID: this.flow?.id, loginID: login?.loginID });
      this.login = login;
      this.reset(created);
    } catch (err) {
      if (err.isAuth) return;
      button.disabled = false;
      this.showNotice(err.message);
    }
  }

  /**
   * Follow the session until it ends: the event stream while it is up; while it is down, a
   * GET every 2 s, trying the stream again each time.
   */
  async watch(signal) {
    const { bridge, session } = this;
    const id = session.loginSessionID;
    while (!signal.aborted && !terminal.has(this.session.status)) {
      try {
        await readSessionEvents(bridge.id, id, (s) => this.apply(s), signal);
      } catch (err) {
        if (signal.aborted || err.isAuth) return;
      }
      if (signal.aborted || terminal.has(this.session.status)) return;
      await this.refresh();
      await delay(POLL_INTERVAL_MS, signal);
    }
  }
}

function signInLink(url) {
  let parsed;
  try { parsed = new URL(url, location.href); } catch { /* not a URL */ }
  // Only web pages are linked; anything else (javascript:, data:, …) is shown as text.
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    return h('p', { class: 'sign-in' }, 'Sign-in page: ', h('code', { text: url }));
  }
  const host = parsed.host;
  return h('p', { class: 'sign-in' },
    h('a', { class: 'button-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Open the sign-in page',
      h('span', { class: 'visually-hidden', text: ' (opens in a new tab)' })),
    h('span', { class: 'muted', text: ` on ${host}` }));
}
