export * from './test-env';
export * from './factories';
export * from './fake-openai.server';
export * from './fake-vllm-omni.server';
export * from './fake-replicate.server';
