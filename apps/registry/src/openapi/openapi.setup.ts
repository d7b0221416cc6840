import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { ADMIN_BEARER_SCHEME } from '../common/admin-api.decorator';
import { DOCS_UI_PATH, OPENAPI_JSON_PATH } from '../registry.constants';

/** Builds the admin API's OpenAPI 3 document from the controllers and their zod DTOs. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Portico admin API')
    .setDescription(
      'Control plane of Portico: apps, functions, endpoints, values, secrets, API keys, deployments and invocation logs. ' +
        'Every change creates a new immutable deployment version. Authenticate with `Authorization: Bearer <PORTICO_ADMIN_TOKEN>`.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'PORTICO_ADMIN_TOKEN' },
      ADMIN_BEARER_SCHEME,
    )
    .build();
  return cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
}

/**
 * Serves the document at `/admin/v1/openapi.json` and the docs UI at `/admin/docs`, from the local
 * `swagger-ui-dist` package (no CDN). These are plain Fastify routes, outside the admin token guard.
 * The document is built now, so a schema that cannot be documented stops start-up, not a request.
 */
export function mountOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(DOCS_UI_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Portico admin API',
    swaggerOptions: { persistAuthorization: true },
  });
}
