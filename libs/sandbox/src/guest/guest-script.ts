import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NODE_HASHES } from './guest-crypto.constants';
import { GUEST_LIMITS, LOG_TRUNCATED_LINE } from './guest-limits.constants';
import { guestRuntime } from './guest.runtime';
import { createJsonRenderer } from './json-render.runtime';
import { createModuleLoader } from './module-loader.runtime';
import { installTextCodecs } from './text-codec.runtime';
import { createGuestUtils } from './utils.runtime';

/** bson's browser build; its package `exports` hide the path, so go through the main entry's folder. */
const BSON_BUNDLE = join(dirname(require.resolve('bson')), 'bson.bundle.js');

let cached: string | undefined;

/**
 * The one script every engine evaluates per app-version context: the text codecs bson's browser
 * build needs, bson's bundle (defines the global `BSON`), then the guest runtime. Its completion value
 * is `boot(bridge, bundleJson, messages) → dispatch`, so nothing but `BSON`/`EJSON` and the web text
 * globals is left on the global object, and the bridge stays in the runtime's closure.
 */
export function guestScript(): string {
  if (cached === undefined) {
    const bson = readFileSync(BSON_BUNDLE, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
    cached = [
      `;(${installTextCodecs.toString()})(globalThis);`,
      bson,
      `;(function (installTextCodecs, createJsonRenderer, guestRuntime, createGuestUtils, createModuleLoader) {
  'use strict';
  const codec = installTextCodecs(globalThis);
  const lib = {
    codec,
    renderJson: createJsonRenderer(codec.bytesToBase64),
    limits: ${JSON.stringify(GUEST_LIMITS)},
    truncated: ${JSON.stringify(LOG_TRUNCATED_LINE)},
    createGuestUtils,
    createModuleLoader,
    hashes: ${JSON.stringify(NODE_HASHES)},
  };
  return function boot(bridge, bundleJson, messages) { return guestRuntime(bridge, bundleJson, lib, messages); };
})(${installTextCodecs.toString()}, ${createJsonRenderer.toString()}, ${guestRuntime.toString()}, ${createGuestUtils.toString()}, ${createModuleLoader.toString()})`,
    ].join('\n');
  }
  return cached;
}
