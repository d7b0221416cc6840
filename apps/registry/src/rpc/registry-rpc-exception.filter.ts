import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { ErrorCode, PorticoError } from '@portico/contracts';
import type { RegistryRpcError } from '@portico/cluster';
import { throwError, type Observable } from 'rxjs';

/**
 * The RPC counterpart of the admin API's exception filter: a `PorticoError` travels as
 * `{error_code, error}`; anything else is logged here once and travels as a generic internal error.
 * Set on the RPC controller, where it takes precedence over the app's HTTP-only global filter.
 */
@Catch()
export class RegistryRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RegistryRpc');

  catch(exception: unknown): Observable<never> {
    if (exception instanceof PorticoError) {
      const error: RegistryRpcError = { error_code: exception.code, error: exception.message };
      return throwError(() => error);
    }
    this.logger.error(
      'unexpected error answering a registry request',
      exception instanceof Error ? exception.stack : String(exception),
    );
    const error: RegistryRpcError = {
      error_code: ErrorCode.InternalServerError,
      error: 'internal registry error',
    };
    return throwError(() => error);
  }
}
