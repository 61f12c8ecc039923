export * from './blocked-categories';
export * from './safety.screen';
export * from './safety.module';
