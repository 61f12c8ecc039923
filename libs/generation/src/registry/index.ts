export * from './model-profile.schema';
export * from './model-registry.loader';
export * from './model-limits.util';
export * from './model-router';
export * from './cost-estimator';
