export * from './dead-letters';
export * from './decode-batch';
export * from './retry-isolating';
export * from './stream-batch';
export * from './stream-runner';
export * from './stream-service';
export * from './stream-transport';
