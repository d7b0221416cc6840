import { ObjectId } from 'bson';
import {
  ErrorCode,
  PorticoError,
  asAppId,
  type GuestUser,
  type UserIdentity,
  type UserRecord,
} from '@portico/contracts';
import type { Store } from '@portico/store';
import type { AuthConfig } from './auth-config.cache';

/** The fields a new user starts with besides its id, identity and timestamps. */
export interface NewUser {
  type?: UserRecord['type'];
  data?: Record<string, unknown>;
  email?: string;
  password_hash?: string;
  confirmed?: boolean;
}

/**
 * What runs once a new user is stored (the app's user creation function, `user-creation.ts`); a
 * rejection undoes the creation.
 */
export type OnUserCreated = (user: UserRecord) => Promise<void>;

const isConflict = (err: unknown): boolean => err instanceof PorticoError && err.code === ErrorCode.Conflict;

/** local-userpass identities are emails, compared without case and surrounding blanks. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Finding and creating an app's users by identity; the race of two first logins ends with one user. */
export class UserDirectory {
  constructor(private readonly store: Store) {}

  find(appId: string, identity: Pick<UserIdentity, 'provider_type' | 'id'>): Promise<UserRecord | null> {
    return this.store.users.findUserByIdentity(asAppId(appId), identity.provider_type, identity.id);
  }

  byId(appId: string, userId: string): Promise<UserRecord | null> {
    return this.store.users.findUserById(asAppId(appId), userId);
  }

  /** Stores a new user; with `onCreated`, runs it next (see `completeCreation`). */
  async create(
    appId: string,
    identity: UserIdentity,
    init: NewUser = {},
    onCreated?: OnUserCreated,
  ): Promise<UserRecord> {
    const user = await this.store.users.createUser(asAppId(appId), {
      id: new ObjectId().toHexString(),
      appId,
      type: init.type ?? 'normal',
      disabled: false,
      identities: [identity],
      data: init.data ?? {},
      ...(init.email === undefined ? {} : { email: init.email }),
      ...(init.password_hash === undefined ? {} : { password_hash: init.password_hash }),
      ...(init.confirmed === undefined ? {} : { confirmed: init.confirmed }),
      created_at: new Date().toISOString(),
    });
    if (onCreated) await this.completeCreation(appId, user, onCreated);
    return user;
  }

  /**
   * Runs `onCreated` for a user just stored. When it fails the user is deleted again before the
   * failure goes on: App Services fails the account creation when its user creation function throws
   * (reference §1.7), so no half-made user may log in later without the function having run.
   */
  async completeCreation(appId: string, user: UserRecord, onCreated: OnUserCreated): Promise<void> {
    try {
      await onCreated(user);
    } catch (err) {
      await this.store.users.deleteUser(asAppId(appId), user.id);
      throw err;
    }
  }

  /**
   * The user with this identity; created (when `create`) if there is none, `onCreated` then running
   * for it. With `data`, an existing user's data is refreshed from it (custom JWT metadata changes
   * between logins).
   */
  async findOrCreate(
    appId: string,
    identity: UserIdentity,
    init: NewUser,
    create: boolean,
    onCreated?: OnUserCreated,
  ): Promise<UserRecord | null> {
    const existing = await this.find(appId, identity);
    if (existing) {
      if (init.data && Object.keys(init.data).length > 0) {
        const data = { ...existing.data, ...init.data };
        return (await this.store.users.updateUser(asAppId(appId), existing.id, { data })) ?? existing;
      }
      return existing;
    }
    if (!create) return null;
    try {
      return await this.create(appId, identity, init, onCreated);
    } catch (err) {
      // Another login created it first: that user is the one. Its `onCreated` runs in that login,
      // which may still be under way (and may yet remove the user): this one does not wait for it.
      if (isConflict(err)) return this.find(appId, identity);
      throw err;
    }
  }

  /**
   * `context.user.custom_data` (reference §1.2 `fetch_custom_user_data`, §1.7): the document of the
   * custom user data collection whose `user_id_field` is the user's id, read through the app's own
   * data; `{}` when the feature is off or there is none.
   */
  async customData(config: AuthConfig, userId: string): Promise<Record<string, unknown>> {
    const spec = config.customUserData;
    if (!spec?.enabled || !spec.database_name || !spec.collection_name) return {};
    const doc = await this.store.data.findOne(
      asAppId(config.appId),
      { db: spec.database_name, collection: spec.collection_name },
      { [spec.user_id_field]: userId },
    );
    // Plain JSON, as the guest receives `context.user` (ObjectIds become hex strings, dates ISO strings).
    return doc ? (JSON.parse(JSON.stringify(doc)) as Record<string, unknown>) : {};
  }
}

/** `context.user` (reference §2.6) for a stored user. */
export function toGuestUser(user: UserRecord, customData: Record<string, unknown>): GuestUser {
  return {
    id: user.id,
    type: user.type,
    data: structuredClone(user.data),
    custom_data: customData,
    identities: user.identities.map(({ id, provider_type, data }) => ({
      id,
      provider_type,
      ...(data === undefined ? {} : { data: structuredClone(data) }),
    })),
  };
}
