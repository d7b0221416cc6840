import { ApiKeyMatcher } from '@portico/auth';
import type { EndpointSpec, RouteSnapshot } from '@portico/contracts';
import type { AtlasFormat, Codec, CodecRegistry } from '@portico/formats';
import type { FunctionFacts } from '../auth/credential-authenticator';
import { RouteTable, type RejectedRoute } from './route-table';

/** An endpoint with everything the request path needs resolved up front. */
export interface CompiledEndpoint {
  spec: EndpointSpec;
  /** Run-mode facts of its function; undefined when the deployment lacks the function. */
  fn: FunctionFacts | undefined;
  /** The codec of its `return_type`, used when `Accept` does not decide. */
  returnCodec: Codec<AtlasFormat>;
}

/** One app at one version, ready to serve: built once, read by every request, never mutated. */
export interface CompiledApp {
  snapshot: RouteSnapshot;
  routes: RouteTable<CompiledEndpoint>;
  apiKeys: ApiKeyMatcher;
}

/** Builds an app's route table and key matcher from its snapshot. */
export function compileApp(
  snapshot: RouteSnapshot,
  codecs: CodecRegistry<AtlasFormat>,
  onRejected: (rejected: RejectedRoute<CompiledEndpoint>) => void,
): CompiledApp {
  const routes = RouteTable.build<CompiledEndpoint>(
    snapshot.endpoints.map((spec) => ({
      path: spec.route,
      method: spec.http_method,
      disabled: spec.disabled,
      target: {
        spec,
        fn: Object.hasOwn(snapshot.functions, spec.function_name)
          ? snapshot.functions[spec.function_name]
          : undefined,
        returnCodec: codecs.get(spec.return_type),
      },
    })),
    onRejected,
  );
  return { snapshot, routes, apiKeys: new ApiKeyMatcher(snapshot.api_keys) };
}
