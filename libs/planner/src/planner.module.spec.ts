import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@app/config';
import { OpenAiPlanner } from './llm/openai.planner';
import { PlannerModule } from './planner.module';
import { STORYBOARD_PLANNER, type StoryboardPlanner } from './storyboard-planner.port';
import { TemplatePlanner } from './embedded/template.planner';

const plannerFor = async (env: NodeJS.ProcessEnv) => {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig(env)), PlannerModule],
  }).compile();
  return moduleRef.get<StoryboardPlanner>(STORYBOARD_PLANNER);
};

describe(PlannerModule.name, () => {
  it('binds the template planner when no LLM is configured', async () => {
    const planner = await plannerFor({});
    expect(planner).toBeInstanceOf(TemplatePlanner);
    expect(planner.name).toBe('template');
  });

  it.each([{ OPENAI_API_KEY: 'sk-test' }, { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }])(
    'binds the OpenAI planner when %j is set',
    async (env) => {
      const planner = await plannerFor({ ...env, OPENAI_MODEL: 'qwen2.5-7b' });
      expect(planner).toBeInstanceOf(OpenAiPlanner);
      expect(planner.model).toBe('qwen2.5-7b');
    },
  );
});
