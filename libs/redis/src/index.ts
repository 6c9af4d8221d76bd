export * from './redis.service';
export * from './redis-errors';
export * from './redis.module';
