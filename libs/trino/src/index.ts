export * from './trino.service';
export * from './trino.module';
