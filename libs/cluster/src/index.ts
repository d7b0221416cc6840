// Cluster-mode adapters of the ports in @portico/contracts (Redis: BullMQ, pub/sub, microservices).
export {};
