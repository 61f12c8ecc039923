export * from './storyboard-planner.port';
export * from './template.planner';
export * from './planner.module';
