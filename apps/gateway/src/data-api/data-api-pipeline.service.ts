import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import {
  ADMISSION_CONTROLLER,
  INVOCATION_TRANSPORT,
  type AdmissionController,
  type DataApiFacts,
  type InvocationTransport,
} from '@portico/contracts';
import type { AcceptNegotiator, AtlasFormat, CodecRegistry } from '@portico/formats';
import { authenticate, userAuthFields, type FunctionFacts } from '../auth/credential-authenticator';
import { assertPayloadSignature, validatedQuery } from '../auth/payload-validator';
import { ATLAS_CODECS } from '../gateway.constants';
import { GatewayErrors } from '../gateway-errors';
import { sendInvocationResult } from '../reply/invocation-answer';
import { announcesBody, assertDeclaredLengthWithin, readBody } from '../request/body-reader';
import type { EndpointUrl } from '../request/endpoint-url';
import { canonicalHeaders } from '../request/header-canonicalizer';
import type { CompiledApp } from '../routing/compiled-app';
import { DataApiErrors } from './data-api-errors';
import { matchDataApi, type DataApiTarget } from './data-api-url';
import { firstHeaderValue as single } from '../request/header-value';

/** The run mode of the Data API (`data_api_config.json`) in the shape `authenticate` takes. */
const runModeOf = (config: DataApiFacts): FunctionFacts => ({
  private: false,
  run_as_system: config.run_as_system,
  ...(config.run_as_user_id ? { run_as_user_id: config.run_as_user_id } : {}),
  has_user_script: config.has_user_script,
});

/**
 * The Data API at the gateway (reference §4): `POST /app/<appId>/endpoint/data/<version>/action/<action>`
 * for an app whose `data_api_config.json` is enabled for that version. The same admission as a function
 * endpoint (size, secret, credentials by the Data API's run mode, signature, limits), then an
 * invocation of kind `data-api` carrying the raw body; the worker decodes it and runs the action.
 */
@Injectable()
export class DataApiPipeline {
  private readonly negotiator: AcceptNegotiator<AtlasFormat>;

  constructor(
    @Inject(INVOCATION_TRANSPORT) private readonly transport: InvocationTransport,
    @Inject(ADMISSION_CONTROLLER) private readonly admission: AdmissionController,
    @Inject(ATLAS_CODECS) private readonly codecs: CodecRegistry<AtlasFormat>,
    @Inject(PORTICO_CONFIG) private readonly config: PorticoConfig,
  ) {
    this.negotiator = codecs.negotiator(['JSON', 'EJSON']);
  }

  /** The Data API action a request names, or undefined when it is not one (custom endpoints take it). */
  match(app: CompiledApp, url: EndpointUrl): DataApiTarget | undefined {
    return matchDataApi(app.snapshot.data_api, url.path);
  }

  /** Serves a matched request; throws the PorticoErrors the caller renders as Atlas error bodies. */
  async serve(
    app: CompiledApp,
    target: DataApiTarget,
    url: EndpointUrl,
    requestId: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const config = app.snapshot.data_api as DataApiFacts;
    if (request.method !== 'POST') throw DataApiErrors.methodNotAllowed(request.method, target.path);
    const headers = request.headers;
    const contentType = headers['content-type'];
    if (contentType === undefined || this.codecs.forContentType(contentType) === undefined)
      throw DataApiErrors.unsupportedContentType(contentType);

    const { limits, secrets } = app.snapshot;
    assertDeclaredLengthWithin(headers, limits.max_request_bytes);
    const validation = config.validation_method;
    const { query, rawQueryString } = validatedQuery(url.query, config, secrets);
    const authenticated = authenticate(runModeOf(config), headers, app.apiKeys, app.snapshot);
    const principal = authenticated instanceof Promise ? await authenticated : authenticated;
    const body = announcesBody(headers) ? await readBody(request.raw, limits.max_request_bytes) : null;
    if (validation === 'VERIFY_PAYLOAD') {
      assertPayloadSignature(config, secrets, body, single(headers['endpoint-signature']));
    }
    const codec = this.negotiator.negotiate(single(headers.accept), this.codecs.get(config.return_type));

    const admitted = await this.admission.admit(app.snapshot.appId, limits);
    if (!admitted.admitted) throw GatewayErrors.tooManyRequests(admitted.limit, admitted.retryAfterSeconds);
    try {
      const result = await this.transport.invoke({
        kind: 'data-api',
        requestId,
        appId: app.snapshot.appId,
        version: app.snapshot.version,
        functionName: target.action,
        deadline: Date.now() + limits.timeout_ms,
        request: {
          method: request.method,
          route: target.path,
          headers: canonicalHeaders(request.raw.rawHeaders),
          query,
          rawQueryString,
          remoteIPAddress: request.ip,
          body,
        },
        endpoint: { route: target.path, httpMethod: 'POST', respondResult: true },
        responseFormat: codec.name,
        user: principal.user,
        runAsSystem: principal.runAsSystem,
        pool: app.snapshot.pool,
        canEvaluate: config.can_evaluate,
        ...userAuthFields(principal, config),
        dataApi: { action: target.action, version: target.version },
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
}
