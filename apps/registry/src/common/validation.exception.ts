import { ErrorCode, PorticoError } from '@portico/contracts';
import type { z } from 'zod';

/** Per-field messages keyed by the dotted path of the field in the request (`2.function_name`). */
export type ValidationDetails = Record<string, string>;

/** Key used for a problem with the input as a whole (not an object, missing body…). */
export const ROOT_FIELD = '(root)';

/** The one shape of a 400 for bad admin input: `{"error":"validation failed","error_code":"BadRequest","details":{…}}`. */
export function validationFailed(details: ValidationDetails): PorticoError {
  return new PorticoError(ErrorCode.BadRequest, 'validation failed', 400, details);
}

/** Throws `validationFailed` when there is at least one problem. */
export function assertValid(details: ValidationDetails): void {
  if (Object.keys(details).length > 0) throw validationFailed(details);
}

/** Flattens zod issues into field path → message; several problems with one field are joined. */
export function detailsFromZodError(error: z.ZodError): ValidationDetails {
  const details: ValidationDetails = {};
  const add = (path: readonly PropertyKey[], message: string): void => {
    const key = path.length === 0 ? ROOT_FIELD : path.map(String).join('.');
    details[key] = details[key] ? `${details[key]}; ${message}` : message;
  };
  for (const issue of error.issues) {
    // One entry per unknown key reads better than one entry listing them on the parent.
    if (issue.code === 'unrecognized_keys')
      issue.keys.forEach((key) => add([...issue.path, key], 'unknown field'));
    else add(issue.path, issue.message);
  }
  return details;
}
