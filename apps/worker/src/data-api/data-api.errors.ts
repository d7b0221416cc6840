import type { InvocationFailure } from '@portico/contracts';

/** A Data API request the client got wrong: answered 400 with its code and message, never retried. */
export class DataApiRequestError extends Error {
  constructor(
    readonly code: Extract<InvocationFailure['code'], 'InvalidParameter' | 'MissingParameter'>,
    message: string,
  ) {
    super(message);
    this.name = 'DataApiRequestError';
  }

  toFailure(): InvocationFailure {
    return { code: this.code, message: this.message, status: 400 };
  }
}
