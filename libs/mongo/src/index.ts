export * from './mongo.service';
export * from './mongo.module';
