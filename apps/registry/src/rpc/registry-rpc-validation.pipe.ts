import { ErrorCode, PorticoError } from '@portico/contracts';
import { createZodValidationPipe } from 'nestjs-zod';
import type { z } from 'zod';

/**
 * Validates RPC payloads (Redis is a boundary, CONVENTIONS 3). Applied on the RPC controller itself:
 * a microservice connected to the registry app does not inherit the app's global pipe.
 */
export const RegistryRpcValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) =>
    new PorticoError(ErrorCode.BadRequest, `invalid registry request: ${(error as z.ZodError).message}`, 400),
});
