export * from './dead-letters';
export * from './decode-batch';
