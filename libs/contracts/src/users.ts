import { z } from 'zod';

/**
 * An app's users and sessions (reference §2.6 `context.user`, §3.2), stored in the platform metadata
 * and scoped by app. Ids are ObjectId hex strings, as App Services shows them.
 */
export interface UserIdentity {
  /** The provider's id for this user: the email, the JWT `sub`, the custom function's id, … */
  id: string;
  provider_type: string;
  provider_id?: string;
  data?: Record<string, unknown>;
}

export interface UserRecord {
  id: string;
  appId: string;
  type: 'normal' | 'server';
  disabled: boolean;
  identities: UserIdentity[];
  /** `context.user.data`: `email`, `name`, and the providers' `metadata_fields`. */
  data: Record<string, unknown>;
  /** local-userpass only. */
  email?: string;
  /** local-userpass only: `scrypt$…` (see @portico/auth `hashPassword`). */
  password_hash?: string;
  /** local-userpass only: false until confirmed (always true with `autoConfirm`). */
  confirmed?: boolean;
  created_at: string;
}

export interface SessionRecord {
  id: string;
  appId: string;
  userId: string;
  /** SHA-256 hex of the refresh token; the token itself is never stored. */
  refresh_token_hash: string;
  device_id: string;
  created_at: string;
  expires_at: string;
}

/**
 * A user API key (reference §3.2, "api-key" provider): made by a logged-in user through the client
 * API, it logs in as, and calls endpoints as, that user. Only its hash is stored.
 */
export interface UserApiKeyRecord {
  id: string;
  appId: string;
  userId: string;
  name: string;
  /** hex SHA-256 of the key (see @portico/auth `hashApiKey`). */
  hash: string;
  disabled: boolean;
  created_at: string;
}

/** Which client-API call a `client-auth` invocation performs (`InvocationJob.clientAuth.op`). */
export const CLIENT_AUTH_OPS = [
  'login',
  'register',
  'confirm',
  'confirm-call',
  'reset-send',
  'reset',
  'reset-call',
  'refresh',
  'logout',
  'profile',
  'api-key-create',
  'api-key-list',
  'api-key-get',
  'api-key-delete',
  'api-key-enable',
  'api-key-disable',
] as const;
export type ClientAuthOp = (typeof CLIENT_AUTH_OPS)[number];

/** The typed part of a `client-auth` job; the body travels raw in `request.body` and the worker validates it. */
export const ClientAuthJobSchema = z.object({
  op: z.enum(CLIENT_AUTH_OPS),
  /** Provider name from the URL (login and the local-userpass calls). */
  provider: z.string().optional(),
  /** Refresh / logout: the session named by the refresh token the gateway verified. */
  sessionId: z.string().optional(),
  userId: z.string().optional(),
  /** Refresh / logout: the verified refresh token, whose hash must match the session. */
  refreshToken: z.string().optional(),
  /** The user API key a `api-key-*` call names. */
  apiKeyId: z.string().optional(),
});
export type ClientAuthJob = z.infer<typeof ClientAuthJobSchema>;

/**
 * Application authentication the worker completes for an endpoint call (reference §3.2): the gateway
 * verified a Bearer token (`token`: load the user) or passed credential headers on (never logged),
 * which the worker checks against the app's providers.
 */
export const UserAuthJobSchema = z.discriminatedUnion('via', [
  z.object({ via: z.literal('token'), userId: z.string() }),
  z.object({ via: z.literal('local-userpass'), email: z.string(), password: z.string() }),
  z.object({ via: z.literal('custom-token'), token: z.string() }),
  /** An `apiKey` header that is none of the app's server keys: maybe a user API key. */
  z.object({ via: z.literal('api-key'), key: z.string() }),
  /**
   * The function's `run_as_user_id`: the stored user fills `context.user` (a disabled one is refused);
   * an id with no user here (e.g. an imported app's Atlas user) keeps the bare id.
   */
  z.object({ via: z.literal('run-as'), userId: z.string() }),
]);
export type UserAuthJob = z.infer<typeof UserAuthJobSchema>;
