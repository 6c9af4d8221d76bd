export * from './postgres.service';
export * from './postgres.module';
export * from './insert-rows';
