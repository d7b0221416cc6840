import type { InvocationFailure, InvocationResponse } from '@portico/contracts';
import { InvocationFailures } from './invocation-failures';

/** What a guest may report as its own failure; anything else it claims is not trusted. */
const GUEST_CODES = new Set<InvocationFailure['code']>([
  'FunctionExecutionError',
  'FunctionNotFound',
  'InternalServerError',
  'InvalidSession',
  'ResponseTooLarge',
]);

export interface DecodedGuestResult {
  response?: InvocationResponse;
  error?: InvocationFailure;
  logs: string[];
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Decodes and checks the head of a `Done` frame (`GuestResultHead`). The guest runtime shares its
 * context with tenant code, so its output is untrusted input: checked by hand here, because this runs
 * once per invocation and a schema library would cost more than the rest of the path.
 */
export function decodeGuestResult(head: string, body: Buffer): DecodedGuestResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(head);
  } catch {
    return { error: InvocationFailures.internal('sandbox returned a malformed result'), logs: [] };
  }
  if (parsed === null || typeof parsed !== 'object')
    return { error: InvocationFailures.internal('sandbox returned a malformed result'), logs: [] };
  const { s, h, e, l } = parsed as Record<string, unknown>;
  const logs = isStringArray(l) ? l : [];
  if (e !== undefined) {
    const { code, message } = (e ?? {}) as Record<string, unknown>;
    if (
      typeof code === 'string' &&
      GUEST_CODES.has(code as InvocationFailure['code']) &&
      typeof message === 'string'
    ) {
      const error: InvocationFailure = { code: code as InvocationFailure['code'], message };
      if (code === 'InternalServerError') error.status = 500;
      // A run-as script that named no user: the Atlas answer to credentials that match no user (§3.4).
      if (code === 'InvalidSession') error.status = 401;
      return { error, logs };
    }
    return { error: InvocationFailures.internal('sandbox returned a malformed result'), logs };
  }
  if (
    typeof s !== 'number' ||
    !Number.isInteger(s) ||
    s < 100 ||
    s > 599 ||
    h === null ||
    typeof h !== 'object' ||
    Array.isArray(h)
  ) {
    return { error: InvocationFailures.internal('sandbox returned a malformed result'), logs };
  }
  for (const value of Object.values(h)) {
    if (!isStringArray(value))
      return { error: InvocationFailures.internal('sandbox returned a malformed result'), logs };
  }
  return {
    response: { status: s, headers: h as Record<string, string[]>, body: body.length > 0 ? body : null },
    logs,
  };
}
