/** Every admin route lives under this prefix (DESIGN "Contracts"). */
export const ADMIN_API_PREFIX = 'admin/v1';

/** Where the OpenAPI document and the docs UI are served; both are readable without a token. */
export const OPENAPI_JSON_PATH = `${ADMIN_API_PREFIX}/openapi.json`;
export const DOCS_UI_PATH = 'admin/docs';

/** Injection token of the admin bearer token (a string) the guard compares against. */
export const ADMIN_TOKEN = Symbol('AdminToken');

/**
 * Largest admin request body. A function source may be 5 MB (FunctionSpecSchema) and JSON escaping can
 * double it, so the admin port accepts more than Fastify's 1 MB default.
 */
export const ADMIN_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** Name of the admin-token file in the data dir (the CLI reads it too). */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** The root module's structured logger, or null when the composer provides none (`PORTICO_LOGGER` is optional). */
export const STRUCTURED_LOGGER = Symbol('RegistryStructuredLogger');
