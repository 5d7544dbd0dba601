/**
 * The demo bridge's `/demo/*` pages (`api.md` §7): plain HTML served by this server, no token
 * (the one-time token, code or cookie is the proof), present only while the demo bridge is on.
 * They stand in for what a real network has elsewhere: a phone that scans, a device-link page,
 * a sign-in page that sets a session cookie.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DemoBridge } from './bridge.ts';
import { DEMO_COOKIE } from './cookies.ts';
import { INCORRECT_PASSWORD } from './password.ts';
import { isCrossSite } from './same-origin.ts';

const escapeHTML = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;background:#fafafa}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #767676;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus,input:focus{outline:3px solid #f59e0b;outline-offset:2px}.note{color:#404040}.ok{color:#166534}.bad{color:#991b1b}
code{font-size:1.1rem;background:#eee;padding:.2rem .4rem;border-radius:3px;word-break:break-all}`;

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .headers({
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHTML(title)} · Demo Chat</title><style>${STYLE}</style></head><body><main><h1>${escapeHTML(title)}</h1>${body}</main></body></html>`,
    );
}

const field = (id: string, label: string, value = '', type = 'text', extra = ''): string =>
  `<label for="${id}">${escapeHTML(label)}</label><input id="${id}" name="${id}" type="${type}" value="${escapeHTML(value)}" ${extra}>`;

/** A name typed on a page, or the default; trimmed and bounded. */
function nameOf(body: unknown, fallback: string): string {
  const raw = body && typeof body === 'object' && 'username' in body ? (body as { username: unknown }).username : undefined;
  const name = typeof raw === 'string' ? raw.trim().slice(0, 64) : '';
  return name || fallback;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const FormBody = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]);

export async function demoPages(app: FastifyInstance, opts: { demo: DemoBridge }): Promise<void> {
  const { demo } = opts;
  // HTML forms post url-encoded bodies; this parser exists only for these pages.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isCrossSite(request.headers)) return;
    return page(reply, 403, 'Not from this server', '<p class="bad">This form can only be sent from this server\'s own page. Open the page here and send it from there.</p>');
  });
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const hide = { hide: true };
  const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) });

  r.get('/demo/scan/:token', { schema: { ...hide, params: Token } }, async (request, reply) => {
    if (!(await demo.pairings.hasScan(request.params.token))) {
      return page(reply, 404, 'Code expired', '<p class="bad">This QR code expired or was already used. Scan the current code.</p>');
    }
    return page(
      reply,
      200,
      'Demo phone: confirm sign-in',
      `<p class="note">You scanned a Demo Chat sign-in code. Confirm to sign in on the other device.</p>
<form method="post">${field('username', 'Sign in as', 'Demo Phone', 'text', 'autocomplete="username" maxlength="64"')}<button type="submit">Confirm sign-in</button></form>`,
    );
  });

  r.post('/demo/scan/:token', { schema: { ...hide, params: Token, body: FormBody } }, async (request, reply) => {
    const ok = await demo.pairings.scan(request.params.token, nameOf(request.body, 'Demo Phone'));
    if (!ok) return page(reply, 404, 'Code expired', '<p class="bad">This QR code expired or was already used. Scan the current code.</p>');
    return page(reply, 200, 'Signed in', '<p class="ok">Done: the other device is now signed in. You can close this page.</p>');
  });

  const linkForm = (message = ''): string =>
    `${message}<p class="note">Enter the pairing code shown on the device you are signing in on.</p>
<form method="post">${field('code', 'Pairing code', '', 'text', 'autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="32" placeholder="K7Q2-M9XD"')}${field('username', 'Your name', 'Linked Device', 'text', 'maxlength="64"')}<button type="submit">Link device</button></form>`;

  r.get('/demo/link', { schema: hide }, async (_request, reply) => page(reply, 200, 'Link a device', linkForm()));

  r.post('/demo/link', { schema: { ...hide, body: FormBody } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code.slice(0, 64) : '';
    if (!code || !(await demo.pairings.link(code, nameOf(body, 'Linked Device')))) {
      return page(reply, 400, 'Link a device', linkForm('<p class="bad" role="alert">No device is waiting for that code. Check it and try again.</p>'));
    }
    return page(reply, 200, 'Device linked', '<p class="ok">Done: the device is now signed in. You can close this page.</p>');
  });

  const signInForm = (message = ''): string =>
    `${message}<form method="post">${field('username', 'Username', '', 'text', 'autocomplete="username" required maxlength="64"')}${field('password', 'Password', '', 'password', 'autocomplete="current-password" required')}<button type="submit">Sign in</button></form>
<p class="note">Any username and password work, except the password "${INCORRECT_PASSWORD}".</p>`;

  r.get('/demo/sign-in', { schema: hide }, async (_request, reply) => page(reply, 200, 'Sign in to Demo Chat', signInForm()));

  r.post('/demo/sign-in', { schema: { ...hide, body: FormBody } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!username || !password || password === INCORRECT_PASSWORD) {
      return page(reply, 401, 'Sign in to Demo Chat', signInForm('<p class="bad" role="alert">The username or password is incorrect.</p>'));
    }
    const value = await demo.cookies.issue(username);
    reply.header('set-cookie', `${DEMO_COOKIE}=${value}; Path=/; SameSite=Lax; Max-Age=3600`);
    return reply.redirect('/demo/signed-in', 303);
  });

  r.get('/demo/signed-in', { schema: hide }, async (request, reply) => {
    const value = cookieValue(request.headers.cookie, DEMO_COOKIE);
    if (!value) return page(reply, 200, 'Not signed in', '<p><a href="/demo/sign-in">Sign in</a> first.</p>');
    return page(
      reply,
      200,
      'Signed in',
      `<p class="ok">You are signed in to Demo Chat.</p><p>Your <code>${DEMO_COOKIE}</code> cookie, to paste where you started the login:</p><p><code id="cookie">${escapeHTML(value)}</code></p>`,
    );
  });
}
