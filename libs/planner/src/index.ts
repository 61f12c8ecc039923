export * from './storyboard-planner.port';
export * from './template.planner';
export * from './openai.planner';
export * from './storyboard-rules.enforcer';
export * from './llm/llm-json.client';
export * from './planner.module';
export * from './safety';
