export * from './error-catalog';
export * from './app-error';
export * from './public-message';
