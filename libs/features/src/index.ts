export * from './spec';
export * from './aggregates';
export * from './derive';
export * from './ops';
export * from './feature-store';
export * from './features.module';
export * from './features.schema';
export * from './feature-processor';
