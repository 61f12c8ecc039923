export * from './input/blocked-categories';
export * from './input/safety.screen';
export * from './output/output-verdict';
export * from './output/output-safety.filter';
export * from './audit/safety-audit.log';
export * from './safety.module';
