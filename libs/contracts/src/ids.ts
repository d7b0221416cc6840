/**
 * Tenant scoping in the types (CONVENTIONS 6): an `AppId` is a branded string, so a repository method
 * that takes one cannot be called with an arbitrary string by accident.
 */
export type AppId = string & { readonly __brand: 'AppId' };

/** `<name>-<5 lowercase letters>`, as DESIGN.md fixes it. */
export const APP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}-[a-z]{5}$/;

/** Brands a string already checked to be an app id (by pattern or because it came from the store). */
export const asAppId = (value: string): AppId => value as AppId;

export const isAppId = (value: string): value is AppId => APP_ID_PATTERN.test(value);
