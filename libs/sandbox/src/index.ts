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
