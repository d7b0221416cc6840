import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unverifiedAppOf, verifyAppToken } from '@portico/auth';
import { PORTICO_CONFIG, type PorticoConfig } from '@portico/config';
import {
  ADMISSION_CONTROLLER,
  ErrorCode,
  INVOCATION_TRANSPORT,
  PorticoError,
  type AdmissionController,
  type ClientAuthJob,
  type InvocationTransport,
} from '@portico/contracts';
import { GatewayErrors } from '../gateway-errors';
import { sendInvocationResult } from '../reply/invocation-answer';
import { announcesBody, assertDeclaredLengthWithin, readBody } from '../request/body-reader';
import { canonicalHeaders } from '../request/header-canonicalizer';
import type { CompiledApp } from '../routing/compiled-app';
import { RouterCache } from '../routing/router-cache.service';
import type { ClientApiCall } from './client-api-url';

/** One answer for every bad token: which check failed is never told (reference §3.2). */
const invalidSession = (): PorticoError => new PorticoError(ErrorCode.InvalidSession, 'invalid session', 401);

const bearerOf = (authorization: string | undefined): string | undefined => {
  const m = authorization === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : undefined;
};

/** Logins take no function; the job names none. */
const NO_FUNCTION = '';

/**
 * The client login and session API (reference §3.2): the gateway finds the app (from the URL, or from
 * the verified token for `/auth/session` and `/auth/profile`), admits the call like any other, and
 * hands it to a worker as a `client-auth` invocation; the worker owns users and runs provider
 * functions. The body travels raw; the worker validates it.
 */
@Injectable()
export class ClientApiService {
  constructor(
    private readonly cache: RouterCache,
    @Inject(INVOCATION_TRANSPORT) private readonly transport: InvocationTransport,
    @Inject(ADMISSION_CONTROLLER) private readonly admission: AdmissionController,
    @Inject(PORTICO_CONFIG) private readonly config: PorticoConfig,
  ) {}

  /**
   * Answers one client API call. Throws PorticoErrors for the caller's error path; `appId` is
   * reported through `onApp` as soon as it is known, for the error link.
   */
  async handle(
    call: ClientApiCall,
    requestId: string,
    request: FastifyRequest,
    reply: FastifyReply,
    onApp: (appId: string) => void,
  ): Promise<void> {
    let app: CompiledApp;
    let clientAuth: ClientAuthJob;
    if (call.scope === 'app') {
      onApp(call.appId);
      app = await this.app(call.appId);
      clientAuth = { op: call.op, provider: call.provider };
    } else {
      const token = bearerOf(request.headers.authorization);
      const appId = token === undefined ? undefined : unverifiedAppOf(token);
      if (token === undefined || appId === undefined) throw invalidSession();
      onApp(appId);
      const found = this.cache.peek(appId) ?? (await this.cache.get(appId));
      const key = found?.snapshot.auth_signing_key;
      if (!found || key === undefined) throw invalidSession();
      app = found;
      if (call.scope === 'user') {
        // realm-web sends the refresh token for API key calls, other clients the access token: both
        // name the user; a refresh token's session must still be live (the worker checks).
        const refresh = await verifyAppToken(key, appId, token, 'refresh');
        const access = refresh ? undefined : await verifyAppToken(key, appId, token, 'access');
        if (!refresh && !access) throw invalidSession();
        clientAuth = {
          op: call.op,
          ...(call.apiKeyId === undefined ? {} : { apiKeyId: call.apiKeyId }),
          ...(refresh
            ? { userId: refresh.sub, sessionId: refresh.sid, refreshToken: token }
            : { userId: access?.sub }),
        };
      } else if (call.op === 'profile') {
        const claims = await verifyAppToken(key, appId, token, 'access');
        if (!claims) throw invalidSession();
        clientAuth = { op: 'profile', userId: claims.sub };
      } else {
        const claims = await verifyAppToken(key, appId, token, 'refresh');
        if (!claims) throw invalidSession();
        clientAuth = { op: call.op, userId: claims.sub, sessionId: claims.sid, refreshToken: token };
      }
    }

    const { limits, appId, version, pool } = app.snapshot;
    assertDeclaredLengthWithin(request.headers, limits.max_request_bytes);
    const body = announcesBody(request.headers)
      ? await readBody(request.raw, limits.max_request_bytes)
      : null;
    const admitted = await this.admission.admit(appId, limits);
    if (!admitted.admitted) throw GatewayErrors.tooManyRequests(admitted.limit, admitted.retryAfterSeconds);
    try {
      const path = request.url.split('?', 1)[0];
      const result = await this.transport.invoke({
        kind: 'client-auth',
        requestId,
        appId,
        version,
        functionName: NO_FUNCTION,
        deadline: Date.now() + limits.timeout_ms,
        request: {
          method: request.method,
          route: path,
          headers: canonicalHeaders(request.raw.rawHeaders),
          query: {},
          rawQueryString: '',
          remoteIPAddress: request.ip,
          body,
        },
        endpoint: { route: path, httpMethod: request.method, respondResult: true },
        responseFormat: 'JSON',
        user: { id: 'system', type: 'system', data: {}, custom_data: {}, identities: [] },
        runAsSystem: true,
        pool,
        clientAuth,
      });
      sendInvocationResult(reply, result, 'application/json', {
        publicAdminUrl: this.config.publicAdminUrl,
        appId,
        requestId,
      });
    } finally {
      admitted.release();
    }
  }

  private async app(appId: string): Promise<CompiledApp> {
    const app = this.cache.peek(appId) ?? (await this.cache.get(appId));
    if (app === null) throw GatewayErrors.appNotFound(appId);
    return app;
  }
}
