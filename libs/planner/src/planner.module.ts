import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { LlmJsonClient } from './llm/llm-json.client';
import { LlmPromptToolkit } from './llm/llm-prompt.toolkit';
import { TemplatePromptToolkit } from './embedded/prompts';
import { PROMPT_TOOLKIT } from './prompt-toolkit.port';
import { OpenAiPlanner } from './llm/openai.planner';
import { STORYBOARD_PLANNER } from './storyboard-planner.port';
import { TemplatePlanner } from './embedded/template.planner';

/** The LLM client when OPENAI_API_KEY or OPENAI_BASE_URL is set, else null (embedded defaults). */
export const LLM_CLIENT = Symbol('LLM_CLIENT');

export function llmClientFor(config: AppConfig): LlmJsonClient | null {
  return config.openai.apiKey || config.openai.baseUrl ? new LlmJsonClient(config.openai) : null;
}

/** Binds the planner and prompt-tool ports: LLM-backed when an LLM is configured, the embedded templates otherwise. */
@Global()
@Module({
  providers: [
    TemplatePlanner,
    { provide: LLM_CLIENT, inject: [APP_CONFIG], useFactory: llmClientFor },
    {
      provide: STORYBOARD_PLANNER,
      inject: [LLM_CLIENT, TemplatePlanner],
      useFactory: (llm: LlmJsonClient | null, template: TemplatePlanner) => (llm ? new OpenAiPlanner(llm) : template),
    },
    TemplatePromptToolkit,
    {
      provide: PROMPT_TOOLKIT,
      inject: [LLM_CLIENT, TemplatePromptToolkit],
      useFactory: (llm: LlmJsonClient | null, template: TemplatePromptToolkit) =>
        llm ? new LlmPromptToolkit(llm) : template,
    },
  ],
  exports: [STORYBOARD_PLANNER, PROMPT_TOOLKIT, LLM_CLIENT, TemplatePlanner],
})
export class PlannerModule {}
