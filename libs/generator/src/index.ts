export * from './dataset';
export * from './volumes';
export * from './random';
export * from './allocate';
export * from './calendar';
export * from './publisher';
export * from './campaign-response';
export * from './trickle';
