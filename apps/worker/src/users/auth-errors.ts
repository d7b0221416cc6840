import type { AuthFailureCode, InvocationFailure } from '@portico/contracts';

/**
 * A failure of user authentication or of a client API call, answered with its status and the Atlas
 * body (reference §2.5, §3.4). Thrown inside the users module, turned into an `InvocationFailure`.
 * Its code is an auth code, or `FunctionExecutionError` when a function the login ran threw.
 */
export class AuthFailure extends Error {
  constructor(
    readonly code: AuthFailureCode | 'FunctionExecutionError',
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }

  toFailure(): InvocationFailure {
    return { code: this.code, message: this.message, status: this.status };
  }
}

export const AuthFailures = {
  /** One answer for every credential an endpoint refuses (the gateway's §3.4 wording). */
  invalidSession: () =>
    new AuthFailure('InvalidSession', 'invalid session: error finding user for endpoint', 401),
  /** A refresh token whose session is gone (revoked, logged out, expired). */
  sessionNotFound: () =>
    new AuthFailure('InvalidSession', 'invalid session: failed to find refresh token', 401),
  providerNotFound: (name: string) =>
    new AuthFailure('AuthProviderNotFound', `authentication via '${name}' is unsupported`, 404),
  invalidPassword: () => new AuthFailure('InvalidPassword', 'invalid username/password', 401),
  confirmationRequired: () => new AuthFailure('AuthError', 'confirmation required', 401),
  userDisabled: () => new AuthFailure('UserDisabled', 'user is disabled', 401),
  authFailed: (why: string) => new AuthFailure('AuthError', why, 401),
  nameInUse: () => new AuthFailure('AccountNameInUse', 'name already in use', 409),
  alreadyConfirmed: () => new AuthFailure('UserAlreadyConfirmed', 'user already confirmed', 409),
  userNotFound: () => new AuthFailure('UserNotFound', 'user not found', 404),
  apiKeyNotFound: () => new AuthFailure('APIKeyNotFound', 'API key not found', 404),
  invalidToken: () => new AuthFailure('AuthError', 'invalid token data', 400),
  badRequest: (message: string) => new AuthFailure('InvalidParameter', message, 400),
  /**
   * The app's user creation function threw or overran its limits: the new user is removed again.
   * 400 with the function's message, as for any function that throws (reference §7.1).
   */
  userCreationFailed: (why: string) =>
    new AuthFailure('FunctionExecutionError', `user creation function failed: ${why}`, 400),
  noSigningKey: () =>
    new AuthFailure(
      'AuthError',
      'the app has no token signing key yet: make any change to the app (e.g. set its auth providers) to create one',
      400,
    ),
} as const;
