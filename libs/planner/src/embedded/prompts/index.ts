export * from './template-prompt.toolkit';
