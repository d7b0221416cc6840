export * from './sandbox.port';
export * from './sandbox-pool.options';
export { SandboxPool, type SandboxHostInfo } from './pool/sandbox.pool';
export {
  SANDBOX_ENGINES,
  EngineFault,
  type SandboxEngine,
  type SandboxEngineName,
  type EngineEnvironment,
  type EnvironmentOptions,
} from './engine/sandbox-engine.port';
export {
  GuestMessage,
  type GuestMessages,
  type GuestBridgeFn,
  type GuestDispatchFn,
  type GuestResultHead,
} from './guest/guest-message.constants';
export { guestScript } from './guest/guest-script';
export { createHttpHostCalls, type HttpHostCalls, type HttpHostCallsOptions } from './egress/http-host-calls';
export { EgressPolicy, type PinnedAddress, type ResolveAll } from './egress/egress.policy';
export { classifyAddress, type AddressClass } from './egress/address.classifier';
export { EGRESS_LIMITS, HTTP_REQUEST_OP } from './egress/egress.constants';
export { createJsonRenderer } from './guest/json-render.runtime';
