import { randomUUID } from 'node:crypto';
import {
  Catch,
  HttpException,
  Inject,
  Logger,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode, PorticoError } from '@portico/contracts';
import { PORTICO_LOGGER, type Logger as StructuredLogger } from '@portico/logging';

/** The stable code of an HTTP status the platform did not raise itself (Nest's 404, a parser's 400/413…). */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.BadRequest;
    case 401:
      return ErrorCode.Unauthorized;
    case 404:
      return ErrorCode.NotFound;
    case 405:
      return ErrorCode.MethodNotAllowed;
    case 409:
      return ErrorCode.Conflict;
    case 413:
      return ErrorCode.RequestTooLarge;
    case 429:
      return ErrorCode.TooManyRequests;
    case 503:
      return ErrorCode.ServiceUnavailable;
    default:
      return status < 500 ? ErrorCode.BadRequest : ErrorCode.InternalServerError;
  }
}

/** Fastify's own request errors (bad JSON, body too large, unsupported media type) carry a 4xx `statusCode`. */
function isClientFrameworkError(err: unknown): err is Error & { statusCode: number } {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return err instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

interface ErrorBody {
  error: string;
  error_code: ErrorCode;
  details?: Record<string, unknown>;
  request_id?: string;
}

/**
 * The registry's one exception filter (CONVENTIONS 8): `PorticoError` → its status and code; Nest and
 * Fastify client errors → their status with the matching stable code; anything else → a generic 500 with
 * a correlation id, logged once with the error. Never a stack trace on the wire.
 */
@Catch()
export class PorticoExceptionFilter implements ExceptionFilter {
  private readonly fallbackLogger = new Logger('Registry');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(PORTICO_LOGGER) private readonly logger?: StructuredLogger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // The request's correlation id (Fastify's, made by FASTIFY_REQUEST_ID_OPTIONS, also in X-Request-Id).
    const request = host.switchToHttp().getRequest<{ id?: unknown } | undefined>();
    const { status, body } = this.toAnswer(
      exception,
      typeof request?.id === 'string' ? request.id : undefined,
    );
    const reply: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    if (status === 401) adapter.setHeader(reply, 'WWW-Authenticate', 'Bearer');
    adapter.reply(reply, body, status);
  }

  private toAnswer(exception: unknown, id: string | undefined): { status: number; body: ErrorBody } {
    if (exception instanceof PorticoError) {
      const body: ErrorBody = { error: exception.message, error_code: exception.code };
      if (exception.details) body.details = exception.details;
      return { status: exception.status, body };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return { status, body: { error: httpExceptionMessage(exception), error_code: codeForStatus(status) } };
    }
    if (isClientFrameworkError(exception)) {
      return {
        status: exception.statusCode,
        body: { error: exception.message, error_code: codeForStatus(exception.statusCode) },
      };
    }
    const requestId = id ?? randomUUID();
    const message = `unexpected error in the admin API (request_id ${requestId})`;
    if (this.logger) this.logger.error({ err: exception, requestId }, message);
    else this.fallbackLogger.error(message, exception instanceof Error ? exception.stack : String(exception));
    return {
      status: 500,
      body: {
        error: 'internal server error',
        error_code: ErrorCode.InternalServerError,
        request_id: requestId,
      },
    };
  }
}
