import { ErrorCode, PorticoError } from '@portico/contracts';

/**
 * A unique-key violation, worded like MongoDB's (tenant code often tests `err.message` for "E11000"),
 * so both adapters fail the same way.
 */
export const duplicateKeyError = (detail: string): PorticoError =>
  new PorticoError(ErrorCode.Conflict, `E11000 duplicate key error ${detail}`, 409);

/** Tenant input the store cannot run (bad operator, bad update document, forbidden stage…). */
export const invalidOperation = (message: string): PorticoError =>
  new PorticoError(ErrorCode.InvalidParameter, message, 400);

export const appConflict = (appId: string): PorticoError =>
  new PorticoError(ErrorCode.Conflict, `app ${appId} already exists`, 409);

export const appNotFound = (appId: string): PorticoError =>
  new PorticoError(ErrorCode.NotFound, `app ${appId} not found`, 404);

export const versionConflict = (appId: string, expected: number): PorticoError =>
  new PorticoError(
    ErrorCode.Conflict,
    `app ${appId} is no longer at version ${expected}: another change was committed first`,
    409,
    {
      expectedVersion: expected,
    },
  );
