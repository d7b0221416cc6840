// Invocation queue and reply channels of cluster mode (issue [P2] items 2, 3, 7).
export { BullInvocationTransport, type BullInvocationTransportOptions } from './bull-invocation.transport';
export { InvocationConsumer, type InvocationConsumerOptions } from './invocation.consumer';
export {
  DEFAULT_CONSUMER_CONCURRENCY,
  DEFAULT_WORKER_POOL,
  INVOCATION_JOB_OPTIONS,
  INVOCATION_WORKER_OPTIONS,
  PRODUCER_TIMEOUT_MS,
} from './invocation.constants';
export { decodeJob, decodeResult, encodeJob, encodeResult } from './invocation-wire.codec';
export type { InvocationLogger } from './redis-connections';
