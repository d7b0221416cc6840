import { Inject, Injectable } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import {
  ADMISSION_CONTROLLER,
  ErrorCode,
  INVOCATION_TRANSPORT,
  type AdmissionController,
  PorticoError,
  type InvocationTransport,
} from '@portico/contracts';
import type { AcceptNegotiator, AtlasFormat, CodecRegistry } from '@portico/formats';
import { PORTICO_LOGGER, type Logger } from '@portico/logging';
import { GatewayMetrics } from '@portico/metrics';
import { authenticate, userAuthFields } from './auth/credential-authenticator';
import { assertOriginAllowed } from './auth/origin-policy';
import { DataApiPipeline } from './data-api/data-api-pipeline.service';
import { parseClientApiUrl } from './client-api/client-api-url';
import { ClientApiService } from './client-api/client-api.service';
import { assertPayloadSignature, validatedQuery } from './auth/payload-validator';
import { authenticateWebhook } from './auth/webhook-credentials';
import { ATLAS_CODECS } from './gateway.constants';
import { GatewayErrors } from './gateway-errors';
import { sendAtlasError, logLink } from './reply/error-body';
import { sendInvocationResult } from './reply/invocation-answer';
import { announcesBody, assertDeclaredLengthWithin, readBody } from './request/body-reader';
import { parseEndpointUrl, type EndpointUrl } from './request/endpoint-url';
import { parseLegacyWebhookUrl } from './request/legacy-webhook-url';
import { canonicalHeaders } from './request/header-canonicalizer';
import { newRequestId, REQUEST_ID_HEADER, requestIdOf } from './request/request-id';
import type { CompiledApp } from './routing/compiled-app';
import { RouterCache } from './routing/router-cache.service';
import { firstHeaderValue as single } from './request/header-value';

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/**
 * The data plane's request path for Atlas-style endpoints: route → admit (size, secret, credentials,
 * signature) → negotiate → invoke → answer. Plain functions on the hot path: no Nest pipes, guards or
 * interceptors, bodies handled as bytes and never parsed, and no logging except once for an error the
 * platform did not expect. Every answer carries `X-Request-Id`.
 */
@Injectable()
export class EndpointPipeline {
  private readonly negotiator: AcceptNegotiator<AtlasFormat>;

  constructor(
    private readonly cache: RouterCache,
    @Inject(INVOCATION_TRANSPORT) private readonly transport: InvocationTransport,
    @Inject(ADMISSION_CONTROLLER) private readonly admission: AdmissionController,
    @Inject(ATLAS_CODECS) codecs: CodecRegistry<AtlasFormat>,
    @Inject(PORTICO_CONFIG) private readonly config: PorticoConfig,
    @Inject(PORTICO_LOGGER) private readonly logger: Logger,
    private readonly dataApi: DataApiPipeline,
    private readonly metrics: GatewayMetrics,
    private readonly clientApi: ClientApiService,
  ) {
    this.negotiator = codecs.negotiator(['JSON', 'EJSON']);
  }

  /** Answers one request; never rejects (every failure becomes an Atlas error body). */
  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const requestId = requestIdOf(request.headers[REQUEST_ID_HEADER]);
    reply.header(REQUEST_ID_HEADER, requestId);
    let appId: string | undefined;
    let knownApp: string | undefined; // the metrics label: an app that exists, never a client's guess
    try {
      const url = parseEndpointUrl(request.url) ?? parseLegacyWebhookUrl(request.url);
      if (url === undefined) {
        // The client login/session API (users, tokens) shares the data-plane port.
        const clientCall = parseClientApiUrl(request.method, request.url);
        if (clientCall === undefined) throw GatewayErrors.endpointNotFound(pathOf(request.url));
        await this.clientApi.handle(clientCall, requestId, request, reply, (id) => (appId = id));
        return;
      }
      appId = url.appId;
      const app = this.cache.peek(appId) ?? (await this.cache.get(appId));
      if (app === null) throw GatewayErrors.appNotFound(appId);
      knownApp = appId;
      await this.serve(app, url, requestId, request, reply);
    } catch (err) {
      this.fail(reply, err, requestId, appId);
    }
    this.metrics.record(knownApp, request.method, reply.statusCode, reply.elapsedTime / 1000);
  }

  /**
   * Errors Fastify raises before the handler runs (e.g. a malformed Content-Type): answered with the
   * same Atlas body. A 4xx keeps Fastify's client-safe message; anything else is an internal error.
   */
  handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    const requestId = newRequestId();
    reply.header(REQUEST_ID_HEADER, requestId);
    const appId = parseEndpointUrl(request.url)?.appId;
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 413 ? ErrorCode.RequestTooLarge : ErrorCode.InvalidParameter;
      this.fail(reply, new PorticoError(code, error.message, status), requestId, appId);
    } else {
      this.fail(reply, error, requestId, appId);
    }
    const known = appId !== undefined && this.cache.peek(appId) ? appId : undefined;
    this.metrics.record(known, request.method, reply.statusCode, reply.elapsedTime / 1000);
  }

  private async serve(
    app: CompiledApp,
    url: EndpointUrl,
    requestId: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    assertOriginAllowed(app.snapshot.allowed_request_origins, request.headers);
    const dataApi = this.dataApi.match(app, url);
    if (dataApi !== undefined) return this.dataApi.serve(app, dataApi, url, requestId, request, reply);
    const match = app.routes.match(request.method, url.path);
    if (match.kind === 'not-found') throw GatewayErrors.endpointNotFound(url.path);
    if (match.kind === 'method-not-allowed') {
      throw GatewayErrors.methodNotAllowed(request.method, url.path, match.allow);
    }
    const { spec, fn, returnCodec } = match.target;
    if (fn === undefined) throw GatewayErrors.functionNotFound(spec.function_name);
    // The legacy webhook URL serves converted webhooks only.
    if (url.legacyWebhook && spec.webhook === undefined) throw GatewayErrors.endpointNotFound(url.path);

    const { limits, secrets } = app.snapshot;
    const headers = request.headers;
    assertDeclaredLengthWithin(headers, limits.max_request_bytes);
    const validation = spec.validation_method;
    const { query, rawQueryString } = validatedQuery(url.query, spec, secrets);
    // A legacy webhook may carry its credentials in the body, so it authenticates after reading it.
    // Awaited only when a promise (the Bearer path): no extra tick for the common case.
    let principal =
      spec.webhook === undefined ? authenticate(fn, headers, app.apiKeys, app.snapshot) : undefined;
    if (principal instanceof Promise) principal = await principal;
    const body = announcesBody(headers) ? await readBody(request.raw, limits.max_request_bytes) : null;
    principal ??= authenticateWebhook(fn, headers, body, app.apiKeys, app.snapshot);
    if (principal instanceof Promise) principal = await principal;
    if (validation === 'VERIFY_PAYLOAD') {
      const signature =
        spec.webhook === undefined
          ? single(headers['endpoint-signature'])
          : (single(headers['x-hook-signature']) ?? single(headers['endpoint-signature']));
      assertPayloadSignature(spec, secrets, body, signature);
    }
    const codec = this.negotiator.negotiate(single(headers.accept), returnCodec);

    // Last check before the work starts, so a request refused for any other reason takes no slot.
    const admitted = await this.admission.admit(app.snapshot.appId, limits);
    if (!admitted.admitted) throw GatewayErrors.tooManyRequests(admitted.limit, admitted.retryAfterSeconds);
    try {
      const result = await this.transport.invoke({
        requestId,
        appId: app.snapshot.appId,
        version: app.snapshot.version,
        functionName: spec.function_name,
        deadline: Date.now() + limits.timeout_ms,
        request: {
          method: request.method,
          route: spec.route,
          headers: canonicalHeaders(request.raw.rawHeaders),
          query,
          rawQueryString,
          remoteIPAddress: request.ip,
          body,
        },
        endpoint: {
          route: spec.route,
          httpMethod: spec.http_method,
          respondResult: spec.respond_result,
          ...(spec.webhook ? { webhook: true } : {}),
        },
        responseFormat: codec.name,
        user: principal.user,
        runAsSystem: principal.runAsSystem,
        pool: app.snapshot.pool,
        canEvaluate: spec.can_evaluate,
        ...userAuthFields(principal, spec),
      });
      sendInvocationResult(reply, result, codec.mediaType, {
        publicAdminUrl: this.config.publicAdminUrl,
        appId: app.snapshot.appId,
        requestId,
      });
    } finally {
      admitted.release();
    }
  }

  private fail(reply: FastifyReply, err: unknown, requestId: string, appId: string | undefined): void {
    const expected = err instanceof PorticoError;
    if (!expected) this.logger.error({ err, requestId, appId }, 'request failed unexpectedly');
    if (reply.sent) return;
    const link = appId === undefined ? undefined : logLink(this.config.publicAdminUrl, appId, requestId);
    sendAtlasError(reply, expected ? err : GatewayErrors.internal(), link);
  }
}
