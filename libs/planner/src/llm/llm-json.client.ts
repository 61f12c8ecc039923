import OpenAI from 'openai';
import { z } from 'zod';
import { AppError, Errors, type ErrorSpec, type Problem, validateWith } from '@app/domain';

export interface LlmSettings {
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  timeoutMs: number;
  /** retries of timeouts, 429 and 5xx, with the SDK's exponential backoff (honouring Retry-After) */
  maxRetries: number;
}

/** What one structured call cost and how it went; recorded on the job. */
export interface LlmReport {
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  calls: number;
  repaired: boolean;
  responseFormat: 'json_schema' | 'json_object';
}

export interface JsonRequest<S extends z.ZodType> {
  system: string;
  user: string;
  schema: S;
  schemaName: string;
  /** Rules beyond the schema; their problems are sent back for the one repair like schema errors. */
  check?: (value: z.output<S>) => Problem[];
  /** Deterministic fixes applied to the parsed answer before it is validated (no model call). */
  repair?: (value: unknown) => unknown;
  /** The error thrown when the answer is still invalid after the repair. */
  invalidCode: ErrorSpec;
  signal?: AbortSignal;
}

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/**
 * JSON answers from any OpenAI-compatible server through the openai SDK. Asks for structured
 * output with the JSON Schema derived from the zod schema the code validates with; a server that
 * rejects `json_schema` gets JSON mode with the schema in the prompt instead (remembered per
 * process). Every answer is validated; an invalid one is sent back once with its problems.
 */
export class LlmJsonClient {
  private readonly client: OpenAI;
  private jsonSchemaSupported = true;

  constructor(readonly settings: LlmSettings) {
    this.client = new OpenAI({
      // Self-hosted servers (vLLM, Ollama, LM Studio) accept any key; the SDK insists on one.
      apiKey: settings.apiKey ?? 'unused',
      baseURL: settings.baseUrl ?? undefined,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      fetch: fetchWithPlainAbortErrors,
    });
  }

  get model(): string {
    return this.settings.model;
  }

  async completeJson<S extends z.ZodType>(request: JsonRequest<S>): Promise<{ value: z.output<S>; report: LlmReport }> {
    const started = performance.now();
    const report: LlmReport = {
      model: this.settings.model,
      promptTokens: 0,
      completionTokens: 0,
      latencyMs: 0,
      calls: 0,
      repaired: false,
      responseFormat: 'json_schema',
    };
    const schema = z.toJSONSchema(request.schema) as Record<string, unknown>;
    const messages: Message[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ];
    let problems: Problem[] = [];
    for (let round = 1; round <= 2; round++) {
      const content = await this.call(messages, schema, request, report);
      const parsed = parseJson(content);
      const validated = parsed.ok
        ? validateWith(request.schema, request.repair ? request.repair(parsed.value) : parsed.value)
        : { ok: false as const, problems: parsed.problems };
      problems = validated.ok ? (request.check?.(validated.value) ?? []) : validated.problems;
      if (validated.ok && !problems.length) {
        report.latencyMs = Math.round(performance.now() - started);
        report.repaired = round > 1;
        return { value: validated.value, report };
      }
      messages.push(
        { role: 'assistant', content },
        {
          role: 'user',
          content:
            `That answer breaks these rules:\n${problems.map((p) => `- ${p.field}: ${p.reason}`).join('\n')}\n` +
            'Answer again with the whole corrected JSON object only.',
        },
      );
    }
    throw new AppError(
      request.invalidCode,
      `the model's answer was still invalid after one repair: ${problems
        .slice(0, 10)
        .map((p) => `${p.field} ${p.reason}`)
        .join('; ')}`,
    );
  }

  private async call(
    messages: Message[],
    schema: Record<string, unknown>,
    request: JsonRequest<z.ZodType>,
    report: LlmReport,
  ) {
    if (this.jsonSchemaSupported) {
      try {
        return await this.create(
          messages,
          { type: 'json_schema', json_schema: { name: request.schemaName, schema, strict: false } },
          request,
          report,
        );
      } catch (error) {
        if (!(error instanceof OpenAI.BadRequestError && /response_format|json_schema/i.test(error.message))) {
          throw mapError(error);
        }
        this.jsonSchemaSupported = false;
      }
    }
    report.responseFormat = 'json_object';
    const withSchema: Message[] = [
      {
        role: 'system',
        content: `${request.system}\n\nAnswer with one JSON object that matches this JSON Schema:\n${JSON.stringify(schema)}`,
      },
      ...messages.slice(1),
    ];
    try {
      return await this.create(withSchema, { type: 'json_object' }, request, report);
    } catch (error) {
      throw mapError(error);
    }
  }

  private async create(
    messages: Message[],
    responseFormat: OpenAI.Chat.Completions.ChatCompletionCreateParams['response_format'],
    request: JsonRequest<z.ZodType>,
    report: LlmReport,
  ): Promise<string> {
    report.calls++;
    const completion = await this.client.chat.completions.create(
      { model: this.settings.model, messages, response_format: responseFormat, temperature: 0.7 },
      { signal: request.signal },
    );
    report.promptTokens += completion.usage?.prompt_tokens ?? 0;
    report.completionTokens += completion.usage?.completion_tokens ?? 0;
    report.model = completion.model || report.model;
    return completion.choices[0]?.message?.content ?? '';
  }

  /** The moderation endpoint of the same server: flagged categories, or an empty list. */
  async moderate(texts: string[], signal?: AbortSignal): Promise<string[]> {
    try {
      const result = await this.client.moderations.create(
        { model: 'omni-moderation-latest', input: texts },
        { signal },
      );
      const flagged = new Set<string>();
      for (const r of result.results) {
        for (const [category, hit] of Object.entries(r.categories ?? {})) if (hit) flagged.add(category);
      }
      return [...flagged];
    } catch (error) {
      throw mapError(error);
    }
  }
}

/**
 * fetch, but an aborted request rejects with a plain Error named AbortError. undici's DOMException
 * can come from another realm (jest's sandbox, for one), where the SDK cannot tell a timeout from
 * a connection failure; with this it reports timeouts as timeouts everywhere.
 */
const fetchWithPlainAbortErrors: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name !== 'AbortError' && name !== 'TimeoutError') throw error;
    const abort = new Error('Request aborted', { cause: error });
    abort.name = 'AbortError';
    throw abort;
  }
};

function parseJson(content: string): { ok: true; value: unknown } | { ok: false; problems: Problem[] } {
  // Some servers wrap JSON mode answers in a code fence.
  const text = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problems: [{ field: '(answer)', reason: `is not valid JSON (${(error as Error).message})` }] };
  }
}

/** SDK errors (after its own retries) as stable codes; the queue retries only what can get better. */
function mapError(error: unknown): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError(Errors.plannerTimeout, 'the LLM server did not answer in time', {
      cause: error,
    });
  }
  if (error instanceof OpenAI.RateLimitError) {
    return new AppError(Errors.plannerRateLimited, 'the LLM server kept answering 429', {
      cause: error,
    });
  }
  if (error instanceof OpenAI.InternalServerError || error instanceof OpenAI.APIConnectionError) {
    return new AppError(Errors.plannerUnavailable, `the LLM server is unavailable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new AppError(Errors.plannerUnauthorized, 'the LLM server rejected the API key', { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    return new AppError(Errors.plannerRejected, `the LLM server rejected the request: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}
