export * from './sink';
export * from './store-targets';
export * from './write-errors';
export * from './mysql.writer';
export * from './postgres.writer';
export * from './mongo.writer';
export * from './store-counts';
