import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * `{appId, name}` of a `…/functions/*` route. The name is the wildcard, so both `endpoint%2Fhello` and
 * `endpoint/hello` reach the same function; type the parameter `FunctionRefDto` so the pipe validates it.
 */
export const FunctionRef = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const params = ctx
    .switchToHttp()
    .getRequest<FastifyRequest<{ Params: Record<string, string | undefined> }>>().params;
  return { appId: params.appId, name: params['*'] };
});
