/**
 * @module cli/client/api-types
 * The wire objects of the public API, as the command-line client reads them. Written from the
 * contract rather than imported from the server, so that the client works against any server
 * with the same API. Only what the client uses is spelled out; everything else passes through.
 */

export interface User {
  id: string;
  email?: string;
  fullName?: string;
  imgURL?: string;
  phoneNumber?: string;
  username?: string;
  [key: string]: unknown;
}

export interface Account {
  accountID: string;
  bridge: { id: string; provider: string; type: string };
  status: string;
  user: User;
  loginID?: string;
  network?: string;
  statusText?: string;
  [key: string]: unknown;
}

export interface Bridge {
  id: string;
  accounts: Account[];
  activeAccountCount: number;
  displayName: string;
  provider: string;
  status: string;
  supportsMultipleAccounts: boolean;
  type: string;
  network?: string;
  statusText?: string;
  [key: string]: unknown;
}

export type RemoveScope = 'current-device' | 'all-devices';

export interface BridgeLogin {
  bridgeID: string;
  loginID: string;
  removeScopes: RemoveScope[];
  status: string;
  accountIDs?: string[];
  statusText?: string;
  user?: User;
  [key: string]: unknown;
}

export interface LoginFlow {
  id: string;
  name?: string;
  description?: string;
}

export interface LoginInputField {
  id: string;
  label?: string;
  type?: string;
  placeholder?: string;
  initialValue?: string;
  optional?: boolean;
  pattern?: string;
  options?: string[];
  description?: string;
}

export interface CookieField {
  id: string;
  name?: string;
  type?: 'cookie' | 'header' | 'local_storage';
  domain?: string;
  optional?: boolean;
}

export type Display =
  | { type: 'qr'; data: string; imageURL?: string; expiresAt?: string }
  | { type: 'emoji'; imageURL: string; data?: string; expiresAt?: string }
  | { type: 'code'; data: string; expiresAt?: string }
  | { type: 'nothing'; expiresAt?: string };

export interface UserInputStep {
  type: 'user_input';
  stepID: string;
  fields: LoginInputField[];
  instructions?: string;
}

export interface CookiesStep {
  type: 'cookies';
  stepID: string;
  url: string;
  fields: CookieField[];
  instructions?: string;
  userAgent?: string;
}

export interface DisplayAndWaitStep {
  type: 'display_and_wait';
  stepID: string;
  display: Display;
  instructions?: string;
}

export interface CompleteStep {
  type: 'complete';
  stepID?: string;
  instructions?: string;
  account?: Account;
  login?: BridgeLogin;
}

export type LoginStep = UserInputStep | CookiesStep | DisplayAndWaitStep | CompleteStep;

export type SessionStatus =
  | 'waiting_for_input'
  | 'waiting_for_cookies'
  | 'waiting_for_display'
  | 'complete'
  | 'cancelled'
  | 'failed';

export interface LoginSession {
  bridgeID: string;
  loginSessionID: string;
  status: SessionStatus;
  account?: Account;
  accountID?: string;
  currentStep?: LoginStep;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  login?: BridgeLogin;
  loginID?: string;
  createdAt?: string;
  updatedAt?: string;
  expiresAt?: string;
}

/** Whether a session has reached an end: nothing more will happen to it. */
export function isFinished(session: LoginSession): boolean {
  return session.status === 'complete' || session.status === 'cancelled' || session.status === 'failed';
}

export interface CreateSessionBody {
  flowID?: string;
  loginID?: string;
  accountID?: string;
}

export interface SubmitStepBody {
  type: 'user_input' | 'cookies' | 'display_and_wait';
  fields?: Record<string, string>;
  lastURL?: string;
  source?: 'api' | 'webview' | 'browser_extension';
}

export interface RemoveLoginResult {
  bridgeID: string;
  loginID: string;
  scope: RemoveScope;
  status: 'removed';
  affectedAccountIDs?: string[];
}
