export * from './test-env';
export * from './factories';
export * from './fake-openai.server';
