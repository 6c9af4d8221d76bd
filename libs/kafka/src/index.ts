export * from './kafka.types';
export * from './kafka.service';
export * from './kafka.module';
export * from './commit-policy';
export * from './topics-overview';
export * from './topic-tail';
export * from './rewind';
