import { z } from 'zod';

/**
 * Names of values and secrets: ASCII letters, digits, `_` and `-` (as App Services allows), at most 128.
 * `__proto__` is refused because names become object keys of the deployment spec.
 */
export const ResourceNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, "_" and "-"')
  .refine((name) => name !== '__proto__', 'reserved name');

/**
 * Function names (reference §1.5): a path under `functions/`, so `/` separates directories
 * (`endpoint/hello/latest`). 1–512 characters of `[A-Za-z0-9_./-]`, not starting with `/`, and no empty,
 * `.` or `..` segment (a name maps to a file on import and export).
 */
export const FunctionNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_./-]+$/, 'only letters, digits, "_", ".", "/" and "-"')
  .refine((name) => !name.startsWith('/'), 'must not start with "/"')
  .refine(
    (name) => name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
    'must not contain an empty, "." or ".." segment',
  )
  .refine((name) => name !== '__proto__', 'reserved name');
