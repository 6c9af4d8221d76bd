export * from './model-artifact-error';
export * from './registry/model-registry';
export * from './registry/serving-models';
export * from './segmentation/cluster-metrics';
export * from './segmentation/kmeans-model';
export * from './segmentation/segment-names';
export * from './segmentation/segmentation-features';
export * from './segmentation/standard-scaler';
