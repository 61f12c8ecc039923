export * from './prompt-toolkit.port';
export * from './template-prompt.toolkit';
