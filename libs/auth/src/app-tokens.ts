import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';

/**
 * Access and refresh tokens of an app's users (reference §2.9, §3.2): HS256 JWTs signed with the app's
 * own signing key (`DeploymentSpec.auth_signing_key`, base64url of 32 random bytes). An access token
 * lasts 30 minutes and names the user; a refresh token lasts 60 days and names the session, whose
 * record (holding the token's hash) must still exist when it is used, so deleting sessions revokes.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 60 * 24 * 60 * 60;
const ALG = 'HS256';

export type TokenType = 'access' | 'refresh';

export interface AccessClaims {
  typ: 'access';
  /** User id. */
  sub: string;
  app: string;
  exp: number;
}
export interface RefreshClaims {
  typ: 'refresh';
  sub: string;
  app: string;
  /** Session id. */
  sid: string;
  exp: number;
}

/** A new random signing key for an app. */
export function generateSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

const keyBytes = (signingKey: string): Uint8Array => Buffer.from(signingKey, 'base64url');

export function issueAccessToken(signingKey: string, appId: string, userId: string): Promise<string> {
  return new SignJWT({ typ: 'access', app: appId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(keyBytes(signingKey));
}

export function issueRefreshToken(
  signingKey: string,
  appId: string,
  userId: string,
  sessionId: string,
): Promise<string> {
  return new SignJWT({ typ: 'refresh', app: appId, sid: sessionId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${REFRESH_TOKEN_TTL_SECONDS}s`)
    .sign(keyBytes(signingKey));
}

/**
 * Verifies signature, expiry, type and app; undefined on any failure (callers answer one generic
 * error: reference §3.2 says Bearer failures carry no detail).
 */
export async function verifyAppToken(
  signingKey: string,
  appId: string,
  token: string,
  type: 'access',
): Promise<AccessClaims | undefined>;
export async function verifyAppToken(
  signingKey: string,
  appId: string,
  token: string,
  type: 'refresh',
): Promise<RefreshClaims | undefined>;
export async function verifyAppToken(
  signingKey: string,
  appId: string,
  token: string,
  type: TokenType,
): Promise<AccessClaims | RefreshClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyBytes(signingKey), { algorithms: [ALG] });
    if (payload.typ !== type || payload.app !== appId || typeof payload.sub !== 'string') return undefined;
    if (type === 'refresh' && typeof payload.sid !== 'string') return undefined;
    return payload as unknown as AccessClaims | RefreshClaims;
  } catch {
    return undefined;
  }
}

/**
 * The `app` claim of a token, read WITHOUT verifying it: only to pick the app whose key then verifies
 * the token (`POST /api/client/v2.0/auth/session` names no app in its URL).
 */
export function unverifiedAppOf(token: string): string | undefined {
  try {
    const app = decodeJwt(token).app;
    return typeof app === 'string' ? app : undefined;
  } catch {
    return undefined;
  }
}

/** What a session stores of its refresh token: a SHA-256 hex digest (the token has 256 bits of key behind it). */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** How long an email-confirmation or password-reset token stays valid. */
export const ACTION_TOKEN_TTL_SECONDS = 30 * 60;
export type UserAction = 'confirm' | 'reset';

/**
 * The `{token, tokenId}` pair local-userpass hands to the confirmation and reset functions
 * (reference §1.7): `token` is a JWT of the app's key naming the user, the action and `tokenId`, so
 * the later `confirm` / `reset` call is checked without storing anything.
 */
export async function issueActionToken(
  signingKey: string,
  appId: string,
  userId: string,
  action: UserAction,
): Promise<{ token: string; tokenId: string }> {
  const tokenId = randomBytes(12).toString('hex');
  const token = await new SignJWT({ typ: action, app: appId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(userId)
    .setJti(tokenId)
    .setIssuedAt()
    .setExpirationTime(`${ACTION_TOKEN_TTL_SECONDS}s`)
    .sign(keyBytes(signingKey));
  return { token, tokenId };
}

/** The user id an action token names, when it is valid for this app, action and `tokenId`. */
export async function verifyActionToken(
  signingKey: string,
  appId: string,
  action: UserAction,
  token: string,
  tokenId: string,
): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyBytes(signingKey), { algorithms: [ALG] });
    if (payload.typ !== action || payload.app !== appId || payload.jti !== tokenId) return undefined;
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
