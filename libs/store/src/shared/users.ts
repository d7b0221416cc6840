import { ErrorCode, PorticoError, type UserIdentity } from '@portico/contracts';

/** An identity as one string, unique per app: `<provider_type>\0<external id>`. */
export const identityKey = ({ provider_type, id }: Pick<UserIdentity, 'provider_type' | 'id'>): string =>
  `${provider_type}\u0000${id}`;

export const apiKeyTaken = (): PorticoError =>
  new PorticoError(ErrorCode.Conflict, 'an API key with this id or hash already exists', 409);

export const identityTaken = (): PorticoError =>
  new PorticoError(ErrorCode.Conflict, 'a user with this identity already exists', 409);
