// Cluster-mode adapters of the ports in @portico/contracts (Redis: BullMQ, pub/sub, microservices),
// the admission controllers, health/readiness, and the service main helper.
export * from './admission';
export * from './health';
export * from './invocation';
export * from './lifecycle';
export * from './registry';
