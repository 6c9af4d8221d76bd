export * from './postgres.service';
export * from './postgres.module';
