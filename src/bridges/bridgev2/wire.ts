/**
 * @module bridges/bridgev2/wire
 * JSON shapes of the bridgev2 provisioning API (`/_matrix/provision/v3`), exactly as the bridge
 * sends them. Everything is optional-tolerant: older bridges omit keys (e.g. `txn_id`).
 */

export type WireStepType =
  | 'user_input'
  | 'cookies'
  | 'display_and_wait'
  | 'client_http'
  | 'webauthn'
  | 'complete';

export interface WireLoginFlow {
  name?: string;
  description?: string;
  id: string;
}

export interface WireInputField {
  type: string;
  id: string;
  name?: string;
  description?: string;
  default_value?: string;
  /** mautrix-go v0.32+: the field may be left out. */
  optional?: boolean;
  pattern?: string;
  options?: string[];
}

export interface WireCookieSource {
  type: string;
  name: string;
  cookie_domain?: string;
  request_url_regex?: string;
}

export interface WireCookieField {
  id: string;
  required?: boolean;
  sources?: WireCookieSource[] | null;
  pattern?: string;
}

export interface WireUserInput {
  fields?: WireInputField[] | null;
  attachments?: Record<string, unknown>[] | null;
}

export interface WireCookies {
  url: string;
  user_agent?: string;
  fields?: WireCookieField[] | null;
  extract_js?: string;
  wait_for_url_pattern?: string;
  hidden?: boolean;
}

export interface WireDisplayAndWait {
  type: string;
  data?: string;
  image_url?: string;
}

export interface WireComplete {
  user_login_id: string;
}

/** The envelope every start, step and client_http call returns. `login_id` is the *process* id. */
export interface WireStepEnvelope {
  login_id: string;
  type: WireStepType | string;
  step_id: string;
  txn_id?: string;
  instructions?: string;
  user_input?: WireUserInput;
  cookies?: WireCookies;
  display_and_wait?: WireDisplayAndWait;
  webauthn?: Record<string, unknown>;
  client_http?: Record<string, unknown>;
  complete?: WireComplete;
}

export interface WireBridgeState {
  state_event?: string;
  timestamp?: number;
  ttl?: number;
  source?: string;
  error?: string;
  message?: string;
  user_action?: string;
  reason?: string;
  info?: Record<string, unknown>;
}

export interface WireWhoamiLogin {
  state?: WireBridgeState;
  id: string;
  name?: string;
  profile?: {
    phone?: string;
    email?: string;
    username?: string;
    name?: string;
    avatar?: string;
  };
  space_room?: string;
}

export interface WireWhoami {
  network?: Record<string, unknown>;
  login_flows?: WireLoginFlow[];
  homeserver?: string;
  bridge_bot?: string;
  command_prefix?: string;
  management_room?: string;
  logins?: WireWhoamiLogin[] | null;
}

export interface WireCapabilities {
  resolve_identifier?: Partial<Record<string, boolean>>;
  group_creation?: Record<string, unknown> | null;
  image_pack_import?: boolean;
}
