/**
 * The MCP SDK's own OAuth client connects to /v0/mcp starting from nothing: the 401's
 * WWW-Authenticate names the protected-resource metadata, the SDK finds the authorization server,
 * registers itself, sends the person to the consent page (answered in Chromium), trades the code
 * for tokens and calls a tool with them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startWeb, assertNoProblems, type WebHarness } from '../web/browser.ts';
import { callTool } from '../mcp/mcp-client.ts';
import { consentInBrowser, standInForApp } from './support.ts';

const REDIRECT = 'http://127.0.0.1:45998/mcp-callback';

/** An in-memory provider: what a desktop assistant keeps between runs. */
class MemoryProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authorizationURL?: URL;
  get redirectUrl(): string {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'Assistant (MCP SDK)', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationURL = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

let web: WebHarness;
before(async () => {
  web = await startWeb();
  await standInForApp(web.context, new URL(REDIRECT).origin);
});
after(() => web.close());

test('from nothing: 401, discovery, registration, consent in the browser, token, a tool call', async () => {
  const provider = new MemoryProvider();
  const mcpURL = new URL('/v0/mcp', web.server.baseURL);
  const first = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
  await assert.rejects(new Client({ name: 'assistant', version: '1.0.0' }).connect(first), UnauthorizedError);
  assert.ok(provider.info?.client_id, 'the SDK registered itself');
  assert.ok(provider.authorizationURL, 'the SDK asked to send the person to the consent page');
  assert.equal(provider.authorizationURL.searchParams.get('code_challenge_method'), 'S256');

  const back = await consentInBrowser(web.page, provider.authorizationURL.href, REDIRECT);
  const code = back.searchParams.get('code');
  assert.ok(code, `the browser came back with a code: ${back.href}`);
  await first.finishAuth(code);
  assert.ok(provider.saved?.access_token);
  assert.equal(provider.saved.scope, 'read write');

  const client = new Client({ name: 'assistant', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpURL, { authProvider: provider }));
  try {
    const result = await callTool(client, 'list_bridges');
    assert.notEqual(result.isError, true, JSON.stringify(result));
    assert.match(JSON.stringify(result.content), /demo/);
  } finally {
    await client.close();
  }
  const apps = await web.server.api('GET', '/v1/apps');
  assert.deepEqual(apps.body.items.map((a: { name: string }) => a.name), ['Assistant (MCP SDK)']);
  assertNoProblems(web);
});
