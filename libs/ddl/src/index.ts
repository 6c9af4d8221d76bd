export * from './ddl';
