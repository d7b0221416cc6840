import type { ClientAuthJob, InvocationJob, UserAuthJob } from '@portico/contracts';

/** What an auth spec varies in a job; everything else is a fixed POST /login. */
export interface AuthJobParts {
  appId: string;
  /** A client login/register/session job; without it, an endpoint job of `functionName`. */
  clientAuth?: ClientAuthJob;
  /** Sent as the JSON body. */
  body?: unknown;
  userAuth?: UserAuthJob;
  userOptions?: InvocationJob['userOptions'];
  functionName?: string;
}

/** The invocation job the gateway would send for a client auth call or an endpoint with user credentials. */
export const authJob = ({
  appId,
  clientAuth,
  body,
  userAuth,
  userOptions,
  functionName = '',
}: AuthJobParts): InvocationJob => ({
  kind: clientAuth ? 'client-auth' : undefined,
  requestId: 'r1',
  appId,
  version: 1,
  functionName,
  deadline: Date.now() + 20_000,
  request: {
    method: 'POST',
    route: '/login',
    headers: {},
    query: {},
    rawQueryString: '',
    remoteIPAddress: '127.0.0.1',
    body: body === undefined ? null : Buffer.from(JSON.stringify(body)),
  },
  endpoint: { route: '/login', httpMethod: 'POST', respondResult: true },
  responseFormat: 'JSON',
  user: { id: '', type: 'normal', data: {}, custom_data: {}, identities: [] },
  runAsSystem: false,
  clientAuth,
  userAuth,
  userOptions,
});
