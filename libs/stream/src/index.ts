export * from './dead-letters';
export * from './decode-batch';
export * from './stream-service';
export * from './retry-isolating';
