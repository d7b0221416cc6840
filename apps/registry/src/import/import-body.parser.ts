import type { FastifyInstance } from 'fastify';
import { ErrorCode, PorticoError } from '@portico/contracts';

/** Largest export upload (tar.gz or zip) the import route accepts; above it the answer is 413. */
export const IMPORT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/** Content types an export upload may be sent with; the archive kind is then told by its magic bytes. */
export const IMPORT_CONTENT_TYPES = [
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
];

/**
 * Lets the import route receive raw archive bytes (the admin API is otherwise JSON only). Fastify's
 * parsers are per content type, not per route, so any other route sent these types is refused with 415.
 */
export function registerImportBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    IMPORT_CONTENT_TYPES,
    { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT_BYTES },
    (request, body, done) => {
      if (!request.url.split('?')[0].endsWith('/import')) {
        done(
          new PorticoError(
            ErrorCode.BadRequest,
            `content type ${request.headers['content-type']} is only accepted by the import route`,
            415,
          ),
          undefined,
        );
        return;
      }
      done(null, body);
    },
  );
}
