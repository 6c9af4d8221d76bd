export * from './metrics.service';
export * from './consumer-metrics';
export * from './metrics-server';
