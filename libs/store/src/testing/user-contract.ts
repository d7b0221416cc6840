import { randomBytes } from 'node:crypto';
import { ObjectId } from 'bson';
import { ErrorCode, asAppId, type AppId, type SessionRecord, type UserRecord } from '@portico/contracts';
import type { Store } from '../store.port';

const letters = (n: number): string =>
  Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const newAppId = (): AppId => asAppId(`cu${letters(6)}-${letters(5)}`);

const user = (email: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  id: new ObjectId().toHexString(),
  appId: '',
  type: 'normal',
  disabled: false,
  identities: [{ id: email, provider_type: 'local-userpass' }],
  data: { email, 'odd.name': { $weird: 1 } },
  email,
  password_hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  confirmed: true,
  created_at: new Date().toISOString(),
  ...extra,
});

const session = (userId: string): SessionRecord => ({
  id: new ObjectId().toHexString(),
  appId: '',
  userId,
  refresh_token_hash: randomBytes(32).toString('hex'),
  device_id: new ObjectId().toHexString(),
  created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 60_000).toISOString(),
});

/** The users part of the store contract; called by `describeStoreContract` with its open stores. */
export function describeUserContract(stores: () => { store: Store; other: Store }): void {
  describe('users', () => {
    it('creates a user and finds it by id and by identity, from another connection too', async () => {
      const { store, other } = stores();
      const appId = newAppId();
      const created = await store.users.createUser(appId, user('ada@example.com'));
      expect(created.appId).toBe(appId);
      expect(await other.users.findUserById(appId, created.id)).toEqual(created);
      expect(await other.users.findUserByIdentity(appId, 'local-userpass', 'ada@example.com')).toEqual(
        created,
      );
      expect(await store.users.findUserByIdentity(appId, 'custom-token', 'ada@example.com')).toBeNull();
      expect(await store.users.findUserById(appId, new ObjectId().toHexString())).toBeNull();
    });

    it('keeps apps apart: the same identity may exist once in each app, never across', async () => {
      const { store } = stores();
      const [a, b] = [newAppId(), newAppId()];
      const inA = await store.users.createUser(a, user('same@example.com'));
      const inB = await store.users.createUser(b, user('same@example.com'));
      expect(inA.id).not.toBe(inB.id);
      expect(await store.users.findUserById(b, inA.id)).toBeNull();
      expect((await store.users.findUserByIdentity(b, 'local-userpass', 'same@example.com'))?.id).toBe(
        inB.id,
      );
      expect((await store.users.listUsers(a)).map((u) => u.id)).toEqual([inA.id]);
    });

    it('refuses a second user with a taken identity (Conflict), also when two race', async () => {
      const { store, other } = stores();
      const appId = newAppId();
      const results = await Promise.allSettled([
        store.users.createUser(appId, user('race@example.com')),
        other.users.createUser(appId, user('race@example.com')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ code: ErrorCode.Conflict, status: 409 });
      expect(await store.users.listUsers(appId)).toHaveLength(1);
    });

    it('lists users oldest first, with a limit', async () => {
      const { store } = stores();
      const appId = newAppId();
      const ids: string[] = [];
      for (const n of [1, 2, 3])
        ids.push((await store.users.createUser(appId, user(`u${n}@example.com`))).id);
      expect((await store.users.listUsers(appId)).map((u) => u.id)).toEqual(ids);
      expect((await store.users.listUsers(appId, { limit: 2 })).map((u) => u.id)).toEqual(ids.slice(0, 2));
    });

    it('updates disabled, password hash, confirmation and data; null for an unknown user', async () => {
      const { store, other } = stores();
      const appId = newAppId();
      const created = await store.users.createUser(appId, user('upd@example.com', { confirmed: false }));
      const updated = await store.users.updateUser(appId, created.id, {
        disabled: true,
        confirmed: true,
        password_hash: 'scrypt$new',
        data: { email: 'upd@example.com', name: 'Upd' },
      });
      expect(updated).toMatchObject({ disabled: true, confirmed: true, password_hash: 'scrypt$new' });
      expect(await other.users.findUserById(appId, created.id)).toEqual(updated);
      expect(
        await store.users.updateUser(appId, new ObjectId().toHexString(), { disabled: true }),
      ).toBeNull();
      expect(await store.users.updateUser(newAppId(), created.id, { disabled: false })).toBeNull();
    });

    it('stores sessions, revokes one or all of a user, and deleting a user frees its identity', async () => {
      const { store, other } = stores();
      const appId = newAppId();
      const u = await store.users.createUser(appId, user('sess@example.com'));
      const [s1, s2] = [session(u.id), session(u.id)];
      await store.users.createSession(appId, s1);
      await store.users.createSession(appId, s2);
      expect(await other.users.getSession(appId, s1.id)).toEqual({ ...s1, appId });
      expect(await store.users.getSession(newAppId(), s1.id)).toBeNull();
      expect(await store.users.deleteSession(appId, s1.id)).toBe(true);
      expect(await store.users.deleteSession(appId, s1.id)).toBe(false);
      expect(await store.users.getSession(appId, s1.id)).toBeNull();
      await store.users.createSession(appId, session(u.id));
      expect(await store.users.deleteSessions(appId, u.id)).toBe(2);
      expect(await store.users.getSession(appId, s2.id)).toBeNull();

      const s3 = session(u.id);
      await store.users.createSession(appId, s3);
      expect(await store.users.deleteUser(appId, u.id)).toBe(true);
      expect(await store.users.deleteUser(appId, u.id)).toBe(false);
      expect(await store.users.findUserById(appId, u.id)).toBeNull();
      expect(await store.users.getSession(appId, s3.id)).toBeNull();
      const again = await store.users.createUser(appId, user('sess@example.com'));
      expect((await store.users.findUserByIdentity(appId, 'local-userpass', 'sess@example.com'))?.id).toBe(
        again.id,
      );
    });

    it('stores user API keys by hash, lists, disables and deletes them per user', async () => {
      const { store, other } = stores();
      const appId = newAppId();
      const u = await store.users.createUser(appId, user('keys@example.com'));
      const v = await store.users.createUser(appId, user('keys2@example.com'));
      const key = (name: string, userId = u.id) => ({
        id: new ObjectId().toHexString(),
        appId: '',
        userId,
        name,
        hash: randomBytes(32).toString('hex'),
        disabled: false,
        created_at: new Date().toISOString(),
      });
      const [k1, k2] = [key('laptop'), key('phone')];
      await store.users.createApiKey(appId, k1);
      await store.users.createApiKey(appId, k2);
      expect(await other.users.findApiKeyByHash(appId, k1.hash)).toEqual({ ...k1, appId });
      expect(await store.users.findApiKeyByHash(newAppId(), k1.hash)).toBeNull();
      await expect(store.users.createApiKey(appId, { ...key('dup'), hash: k1.hash })).rejects.toMatchObject({
        code: ErrorCode.Conflict,
      });
      expect((await store.users.listApiKeys(appId, u.id)).map((k) => k.name)).toEqual(['laptop', 'phone']);
      expect(await store.users.listApiKeys(appId, v.id)).toEqual([]);
      // Another user cannot touch them.
      expect(await store.users.setApiKeyDisabled(appId, v.id, k1.id, true)).toBe(false);
      expect(await store.users.deleteApiKey(appId, v.id, k1.id)).toBe(false);
      expect(await store.users.setApiKeyDisabled(appId, u.id, k1.id, true)).toBe(true);
      expect((await other.users.findApiKeyByHash(appId, k1.hash))?.disabled).toBe(true);
      expect((await store.users.listApiKeys(appId, u.id))[0].disabled).toBe(true);
      expect(await store.users.deleteApiKey(appId, u.id, k2.id)).toBe(true);
      expect(await store.users.findApiKeyByHash(appId, k2.hash)).toBeNull();
      await store.users.createApiKey(appId, key('v-key', v.id));
      expect(await store.users.deleteUser(appId, u.id)).toBe(true);
      expect(await store.users.findApiKeyByHash(appId, k1.hash)).toBeNull();
      expect(await store.users.listApiKeys(appId, v.id)).toHaveLength(1);
      await store.users.dropApp(appId);
      expect(await store.users.listApiKeys(appId, v.id)).toEqual([]);
    });

    it('dropApp removes every user and session of that app only', async () => {
      const { store } = stores();
      const [a, b] = [newAppId(), newAppId()];
      const ua = await store.users.createUser(a, user('drop@example.com'));
      const ub = await store.users.createUser(b, user('drop@example.com'));
      const sa = session(ua.id);
      await store.users.createSession(a, sa);
      await store.users.dropApp(a);
      expect(await store.users.listUsers(a)).toEqual([]);
      expect(await store.users.getSession(a, sa.id)).toBeNull();
      expect(await store.users.findUserByIdentity(a, 'local-userpass', 'drop@example.com')).toBeNull();
      expect((await store.users.listUsers(b)).map((u) => u.id)).toEqual([ub.id]);
    });
  });
}
