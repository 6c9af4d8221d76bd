/**
 * What AMATO's tests and benchmarks share: event factories, unique names, a test's own topics,
 * databases and key prefix, services started as real processes, the feature oracle, waitFor.
 * Imported by specs and benchmarks only, never by a service.
 */
export * from './event-factories';
export * from './feature-oracle';
export * from './own-stream';
export * from './own-world';
export * from './resources';
export * from './service-process';
export * from './wait-for';
export * from './land-dataset';
export * from './stream-models';
export * from './browser';
