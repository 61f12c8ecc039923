export * from './model-profile.schema';
export * from './model-registry.loader';
export * from './model-limits.util';
