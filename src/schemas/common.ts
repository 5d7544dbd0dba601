/**
 * @module schemas/common
 * TypeBox schemas of the wire objects shared by several routes. One schema validates requests,
 * serializes responses and feeds the OpenAPI document; the TypeScript types of these objects
 * are derived from them (`Static<>`), never written again by hand.
 */
import { Type } from 'typebox';

export const ErrorBody = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'Error', description: 'Every non-2xx response has this body.' },
);

export const User = Type.Object(
  {
    id: Type.String(),
    cannotMessage: Type.Optional(Type.Boolean()),
    email: Type.Optional(Type.String()),
    fullName: Type.Optional(Type.String()),
    imgURL: Type.Optional(Type.String()),
    isSelf: Type.Optional(Type.Boolean()),
    phoneNumber: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
  },
  { $id: 'User' },
);

export const Provider = Type.Union(
  [Type.Literal('cloud'), Type.Literal('self-hosted'), Type.Literal('local'), Type.Literal('platform-sdk')],
  { $id: 'Provider' },
);

const L = Type.Literal;

export const AccountStatus = Type.Union([
  L('connected'),
  L('connecting'),
  L('backfilling'),
  L('connection_required'),
  L('reconnect_required'),
  L('attention_required'),
  L('disconnected'),
  L('disabled'),
]);

export const LoginStatus = Type.Union([L('connected'), L('connecting'), L('needs_login'), L('logged_out'), L('unknown')]);

export const BridgeStatus = Type.Union([L('available'), L('connected'), L('limit_reached'), L('temporarily_unavailable'), L('disabled')]);

export const Account = Type.Object(
  {
    accountID: Type.String(),
    bridge: Type.Object({ id: Type.String(), provider: Type.Ref('Provider'), type: Type.String() }),
    status: AccountStatus,
    user: Type.Ref('User'),
    capabilities: Type.Optional(Type.Object({}, { additionalProperties: true })),
    loginID: Type.Optional(Type.String()),
    network: Type.Optional(Type.String()),
    statusText: Type.Optional(Type.String()),
  },
  { $id: 'Account' },
);

export const RemoveScope = Type.Union([Type.Literal('current-device'), Type.Literal('all-devices')]);

export const BridgeLogin = Type.Object(
  {
    bridgeID: Type.String(),
    loginID: Type.String(),
    removeScopes: Type.Array(RemoveScope),
    status: LoginStatus,
    accountIDs: Type.Optional(Type.Array(Type.String())),
    statusText: Type.Optional(Type.String()),
    user: Type.Optional(Type.Ref('User')),
  },
  { $id: 'BridgeLogin' },
);

export const Bridge = Type.Object(
  {
    id: Type.String(),
    accounts: Type.Array(Type.Ref('Account')),
    activeAccountCount: Type.Integer(),
    displayName: Type.String(),
    provider: Type.Ref('Provider'),
    status: BridgeStatus,
    supportsMultipleAccounts: Type.Boolean(),
    type: Type.String(),
    network: Type.Optional(Type.String()),
    statusText: Type.Optional(Type.String()),
  },
  { $id: 'Bridge' },
);

export const LoginFlow = Type.Object(
  { id: Type.String(), name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
  { $id: 'LoginFlow' },
);

export const ProvisioningCapabilities = Type.Object(
  {
    group_creation: Type.Object({}, { additionalProperties: true }),
    resolve_identifier: Type.Object({
      any_phone: Type.Boolean(),
      contact_list: Type.Boolean(),
      create_dm: Type.Boolean(),
      lookup_email: Type.Boolean(),
      lookup_phone: Type.Boolean(),
      lookup_username: Type.Boolean(),
      search: Type.Boolean(),
    }),
    image_pack_import: Type.Optional(Type.Boolean()),
  },
  { $id: 'ProvisioningCapabilities' },
);

/** A path segment ID: non-empty. */
export const PathID = Type.String({ minLength: 1 });

/**
 * A protected route's error responses, for the OpenAPI document: `statuses`, plus what every
 * protected route can answer before it runs (403 `forbidden_host`, 429 from the auth brake).
 */
export const errorResponses = (...statuses: number[]): Record<number, unknown> =>
  Object.fromEntries([...statuses, 403, 429].map((s) => [s, Type.Ref('Error')]));
