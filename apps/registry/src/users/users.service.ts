import { Inject, Injectable } from '@nestjs/common';
import { ObjectId } from 'bson';
import { hashPassword } from '@portico/auth';
import { ErrorCode, PorticoError, notFound, type AppId, type UserRecord } from '@portico/contracts';
import { STORE, type Store } from '@portico/store';
import { DeploymentService, toAppId } from '../deployments/deployment.service';
import type { CreateUserDto, UpdateUserDto, UserView } from './user.dto';

const toView = (user: UserRecord): UserView => ({
  id: user.id,
  type: user.type,
  disabled: user.disabled,
  identities: user.identities.map(({ id, provider_type }) => ({ id, provider_type })),
  data: user.data,
  ...(user.confirmed === undefined ? {} : { confirmed: user.confirmed }),
  created_at: user.created_at,
});

/**
 * An app's users (reference §2.6): list, create (local-userpass, confirmed), disable, delete, revoke
 * sessions. Users live in the store, not in the deployment: they change without new versions.
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly deployments: DeploymentService,
  ) {}

  /** The app id, once the app is known to exist (404 otherwise). */
  private async appId(appId: string): Promise<AppId> {
    await this.deployments.app(appId);
    return toAppId(appId);
  }

  async list(appId: string): Promise<UserView[]> {
    return (await this.store.users.listUsers(await this.appId(appId))).map(toView);
  }

  async create(appId: string, dto: CreateUserDto): Promise<UserView> {
    const id = await this.appId(appId);
    const email = dto.email.trim().toLowerCase();
    try {
      const user = await this.store.users.createUser(id, {
        id: new ObjectId().toHexString(),
        appId: id,
        type: 'normal',
        disabled: false,
        identities: [{ id: email, provider_type: 'local-userpass' }],
        data: { email },
        email,
        password_hash: await hashPassword(dto.password),
        confirmed: true,
        created_at: new Date().toISOString(),
      });
      return toView(user);
    } catch (err) {
      if (err instanceof PorticoError && err.code === ErrorCode.Conflict)
        throw new PorticoError(ErrorCode.Conflict, `a user with email "${email}" already exists`, 409);
      throw err;
    }
  }

  async update(appId: string, userId: string, dto: UpdateUserDto): Promise<UserView> {
    const id = await this.appId(appId);
    const user = await this.store.users.updateUser(id, userId, { disabled: dto.disabled });
    if (!user) throw notFound(`user "${userId}"`);
    // A disabled user keeps no session: its refresh tokens stop working at once.
    if (dto.disabled) await this.store.users.deleteSessions(id, userId);
    return toView(user);
  }

  async delete(appId: string, userId: string): Promise<void> {
    if (!(await this.store.users.deleteUser(await this.appId(appId), userId)))
      throw notFound(`user "${userId}"`);
  }

  async revokeSessions(appId: string, userId: string): Promise<{ revoked: number }> {
    const id = await this.appId(appId);
    if (!(await this.store.users.findUserById(id, userId))) throw notFound(`user "${userId}"`);
    return { revoked: await this.store.users.deleteSessions(id, userId) };
  }
}
