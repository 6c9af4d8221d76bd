export * from './batch-errors';
export * from './batch-runner';
export * from './sql-script';
export * from './sql-template';
export * from './offline-features';
export * from './parity';
export * from './analytics-reader';
export * from './training-dataset';
