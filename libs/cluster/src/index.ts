// Cluster-mode adapters of the ports in @portico/contracts (Redis: BullMQ, pub/sub, microservices).
export * from './lifecycle';
export * from './registry';
