import { RateLimited } from '../limits/rate-limit.guard';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import {
  type Brief,
  briefSchema,
  checkStoryboardAgainstBrief,
  type Problem,
  type Storyboard,
  storyboardSchema,
  validateWith,
} from '@app/domain';
import { briefTexts, SafetyScreen, type ScreenedText, storyboardTexts } from '@app/safety';
import { PROMPT_TOOLKIT, type PromptTarget, type PromptToolkit } from '@app/planner';
import { ValidationError } from '../common/global-exception.filter';
import { Actor, Tenant } from '../common/tenant.decorator';

export const enhanceBody = z.object({ idea: z.string().trim().min(3).max(2000) }).strict();
export const extractBody = z.object({ text: z.string().trim().min(3).max(8000) }).strict();
const targetFields = { brief: z.unknown().optional(), storyboard: z.unknown().optional() };
export const updateBody = z.object({ ...targetFields, request: z.string().trim().min(2).max(500) }).strict();
export const variationsBody = z.object({ ...targetFields, n: z.number().int().min(1).max(5).default(3) }).strict();

/**
 * Prompt tools for the people writing briefs: rough idea -> brief, free text -> brief fields,
 * a storyboard or brief plus a request -> a minimally changed version, and alternatives.
 * The template toolkit answers without an LLM; the LLM one when OPENAI_* is configured.
 * Inputs and outputs pass the same safety screen as briefs.
 */
@Controller('v1/prompts')
@RateLimited('tools')
export class PromptsController {
  constructor(
    @Inject(PROMPT_TOOLKIT) private readonly toolkit: PromptToolkit,
    private readonly safety: SafetyScreen,
  ) {}

  @Post('enhance')
  @HttpCode(200)
  async enhance(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const { idea } = parse(enhanceBody, body);
    const who = { tenantId, actor, stage: 'prompt.enhance' };
    await this.safety.enforce([idea], who);
    const result = await this.toolkit.enhance(idea);
    await this.safety.enforce(briefTexts(result.brief), who);
    return { ...result, toolkit: this.toolkit.name };
  }

  @Post('extract')
  @HttpCode(200)
  async extract(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const { text } = parse(extractBody, body);
    await this.safety.enforce([text], { tenantId, actor, stage: 'prompt.extract' });
    return { ...(await this.toolkit.extract(text)), toolkit: this.toolkit.name };
  }

  @Post('update')
  @HttpCode(200)
  async update(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const { value, target } = parseWithTarget(updateBody, body);
    const { request } = value;
    const who = { tenantId, actor, stage: 'prompt.update' };
    await this.safety.enforce([request, ...textsOf(target)], who);
    const result = await this.toolkit.update(target, request);
    await this.safety.enforce(textsOf(result), who);
    return { ...result, toolkit: this.toolkit.name };
  }

  @Post('variations')
  @HttpCode(200)
  async variations(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const { value, target } = parseWithTarget(variationsBody, body);
    const { n } = value;
    const who = { tenantId, actor, stage: 'prompt.variations' };
    await this.safety.enforce(textsOf(target), who);
    const { items } = await this.toolkit.variations(target, n);
    await this.safety.enforce(
      items.flatMap((item) => textsOf(item)),
      who,
    );
    return { items, toolkit: this.toolkit.name };
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = validateWith(schema, body);
  if (!result.ok) throw new ValidationError(result.problems);
  return result.value;
}

/** The body and its brief or storyboard, with the problems of both listed together. */
function parseWithTarget<S extends z.ZodType>(schema: S, body: unknown): { value: z.output<S>; target: PromptTarget } {
  const result = validateWith(schema, body);
  const raw = body && typeof body === 'object' ? (body as { brief?: unknown; storyboard?: unknown }) : {};
  const problems: Problem[] = result.ok ? [] : result.problems;
  const target = targetOf(raw, problems);
  if (problems.length || !result.ok || !target) throw new ValidationError(problems);
  return { value: result.value, target };
}

/** A storyboard (checked against its brief when one comes with it) or a brief; problems go to `problems`. */
function targetOf(raw: { brief?: unknown; storyboard?: unknown }, problems: Problem[]): PromptTarget | null {
  const brief = raw.brief === undefined ? null : validateWith(briefSchema, raw.brief);
  const storyboard = raw.storyboard === undefined ? null : validateWith(storyboardSchema, raw.storyboard);
  if (!brief && !storyboard) problems.push({ field: '(body)', reason: 'needs a brief or a storyboard' });
  if (brief && !brief.ok) problems.push(...brief.problems.map((p) => ({ ...p, field: `brief.${p.field}` })));
  if (storyboard && !storyboard.ok)
    problems.push(...storyboard.problems.map((p) => ({ ...p, field: `storyboard.${p.field}` })));
  if (brief?.ok && storyboard?.ok) {
    problems.push(
      ...checkStoryboardAgainstBrief(storyboard.value, brief.value).map((p) => ({
        ...p,
        field: `storyboard.${p.field}`,
      })),
    );
  }
  if (problems.length) return null;
  const b = brief?.ok ? brief.value : undefined;
  return storyboard?.ok ? { kind: 'storyboard', storyboard: storyboard.value, brief: b } : { kind: 'brief', brief: b! };
}

function textsOf(value: { brief?: Brief; storyboard?: Storyboard }): ScreenedText[] {
  return [
    ...(value.brief ? briefTexts(value.brief) : []),
    ...(value.storyboard ? storyboardTexts(value.storyboard) : []),
  ];
}
