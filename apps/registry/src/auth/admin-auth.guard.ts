import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { digestsEqual, hashApiKey } from '@portico/auth';
import { ErrorCode, PorticoError } from '@portico/contracts';
import { ADMIN_TOKEN } from '../registry.constants';
import { IS_PUBLIC } from './public.decorator';

/**
 * Bearer-token auth for every admin route not marked `@Public()`. Both sides are hashed first so the
 * comparison is constant-time whatever the length of the presented token.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly expectedDigest: string;

  constructor(
    @Inject(ADMIN_TOKEN) token: string,
    private readonly reflector: Reflector,
  ) {
    this.expectedDigest = hashApiKey(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match && digestsEqual(hashApiKey(match[1]), this.expectedDigest)) return true;
    throw new PorticoError(
      ErrorCode.Unauthorized,
      header ? 'invalid admin token' : 'missing admin token (Authorization: Bearer <token>)',
      401,
    );
  }
}
