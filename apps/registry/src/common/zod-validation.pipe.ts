import { createZodValidationPipe } from 'nestjs-zod';
import type { z } from 'zod';
import { detailsFromZodError, validationFailed } from './validation.exception';

/**
 * The registry's one validation pipe (installed globally with `APP_PIPE`): any parameter typed with a
 * `createZodDto` class is parsed by its schema; a failure becomes the admin API's 400 body.
 */
export const ZodValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => validationFailed(detailsFromZodError(error as z.ZodError)),
});
