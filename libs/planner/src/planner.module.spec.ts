import { Test } from '@nestjs/testing';
import { PlannerModule } from './planner.module';
import { STORYBOARD_PLANNER, type StoryboardPlanner } from './storyboard-planner.port';
import { TemplatePlanner } from './template.planner';

describe(PlannerModule.name, () => {
  it('binds the planner port to the template planner when no other planner is configured', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PlannerModule] }).compile();

    const planner = moduleRef.get<StoryboardPlanner>(STORYBOARD_PLANNER);

    expect(planner).toBeInstanceOf(TemplatePlanner);
    expect(planner.name).toBe('template');
  });
});
