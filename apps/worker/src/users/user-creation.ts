import type { AuthConfig } from './auth-config.cache';
import { AuthFailures } from './auth-errors';
import { FunctionCallError, type CallFunction } from './platform-function';
import { toGuestUser, type OnUserCreated } from './user-directory';

/**
 * The app's user creation function (`auth/custom_user_data.json` `on_user_creation_function_name`,
 * reference §1.7) as the directory's `OnUserCreated`; undefined while custom user data is off or no
 * function is named, so nothing runs then.
 *
 * App Services runs it once per new user, before the user gets a token, with the user object
 * (`context.user`'s shape) as its only argument; a throw fails the account creation. Here it runs
 * through the platform call, as system, within the login's deadline; a throw (or an overrun limit)
 * becomes 400 `FunctionExecutionError` with the function's message, and the directory removes the
 * user. `custom_data` is `{}`: the id was minted a moment ago, so no document can name it yet (the
 * function usually writes the first one).
 */
export function userCreationFunction(config: AuthConfig, call: CallFunction): OnUserCreated | undefined {
  const spec = config.customUserData;
  const name = spec?.enabled ? spec.on_user_creation_function_name : undefined;
  if (!name) return undefined;
  return async (user) => {
    try {
      await call(name, [toGuestUser(user, {})]);
    } catch (err) {
      if (!(err instanceof FunctionCallError)) throw err;
      throw AuthFailures.userCreationFailed(err.message);
    }
  };
}
