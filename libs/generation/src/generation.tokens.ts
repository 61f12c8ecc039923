/** Nest tokens of what GenerationModule provides. */
export const MODEL_REGISTRY = Symbol('MODEL_REGISTRY');
export const GENERATORS = Symbol('GENERATORS');
/** The Redis connection provider semaphores, rate limits and webhook relays use. */
export const PROVIDER_REDIS = Symbol('PROVIDER_REDIS');
