import { randomInt } from 'node:crypto';
import { asAppId, type AppId } from '@portico/contracts';

const SUFFIX_LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Longest slug `APP_ID_PATTERN` admits before the `-xxxxx` suffix. */
const MAX_SLUG = 63;

/** `My_App` → `my-app`: lowercase, `_` as `-`, no leading, trailing or doubled `-`; `app` if nothing is left. */
export function slugifyAppName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  return slug || 'app';
}

/** A fresh app id `<slug(name)>-<5 random lowercase letters>`, matching `APP_ID_PATTERN` (DESIGN "Contracts"). */
export function generateAppId(name: string): AppId {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_LETTERS[randomInt(SUFFIX_LETTERS.length)];
  return asAppId(`${slugifyAppName(name)}-${suffix}`);
}
