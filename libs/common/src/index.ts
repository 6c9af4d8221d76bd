export * from './errors';
export * from './health';
export * from './logger';
export * from './nest-logger';
export * from './ports';
export * from './schema-errors';
export * from './shutdown';
export * from './transient-errors';
