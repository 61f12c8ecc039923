import { z } from 'zod';
import { ASSET_MODES, type AssetMode, type AssetParams, type AssetType, type Problem, validateWith } from '@app/domain';

/** An input as sent: inline bytes (base64 or a data URL) or an earlier output of this tenant. */
export type InputRef = { kind: 'upload'; bytes: Buffer } | { kind: 'output'; id: string };

/** A parsed request before its inputs are stored and its profile's limits applied. */
export interface AssetDraft {
  type: AssetType;
  mode: AssetMode;
  prompt: string;
  negativePrompt: string | null;
  params: AssetParams;
  profile: string | null;
  safetyLevel: 'standard' | 'strict';
  watermark: { text: string; position: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' } | null;
  returnFormat: 'url' | 'base64';
  inputs: { image?: InputRef; mask?: InputRef; video?: InputRef };
}

/** Sizes, frames and rates a request gets when it names none, per asset type. */
export const ASSET_DEFAULTS: Record<
  AssetType,
  { width: number; height: number; frames: number | null; fps: number | null; maxBytes: number | null }
> = {
  image: { width: 512, height: 512, frames: null, fps: null, maxBytes: null },
  video: { width: 640, height: 360, frames: 48, fps: 24, maxBytes: null },
  gif: { width: 320, height: 180, frames: 24, fps: 12, maxBytes: 5_000_000 },
};

/** Product limits that hold whatever the profile allows. */
export const ASSET_LIMITS = { maxFps: 60, maxFrames: 600, maxPromptChars: 2000, maxInputBytes: 15 * 1024 * 1024 };

const OUTPUT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const RESOLUTION = /^([1-9]\d{0,4})x([1-9]\d{0,4})$/;

const inputSchema = z.union([
  z.string().min(1, 'must be base64 image bytes or a data URL'),
  z.object({ output_id: z.string().regex(OUTPUT_ID, 'must be the id of an earlier output') }).strict(),
]);

const side = z.number().int().min(16).max(16384);

const paramsSchema = z
  .object({
    resolution: z.string().regex(RESOLUTION, 'must be WIDTHxHEIGHT, e.g. 1024x576').optional(),
    width: side.optional(),
    height: side.optional(),
    frames: z.number().int().min(1).optional(),
    fps: z.number().int().min(1).optional(),
    steps: z.number().int().min(1).max(200).optional(),
    guidance: z.number().min(0).max(30).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    max_bytes: z.number().int().min(1024).max(100_000_000).optional(),
    expand: z
      .object({
        left: z.number().int().min(0).max(4096).default(0),
        top: z.number().int().min(0).max(4096).default(0),
        right: z.number().int().min(0).max(4096).default(0),
        bottom: z.number().int().min(0).max(4096).default(0),
      })
      .strict()
      .optional(),
  })
  .strict();

const corner = z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']);

function bodySchema(type: AssetType) {
  return z
    .object({
      prompt: z.string().trim().max(ASSET_LIMITS.maxPromptChars).optional(),
      negative_prompt: z.string().trim().max(ASSET_LIMITS.maxPromptChars).optional(),
      mode: z.enum(ASSET_MODES[type] as unknown as [string, ...string[]]).default('text'),
      params: paramsSchema.default({}),
      image: inputSchema.optional(),
      mask: inputSchema.optional(),
      video: inputSchema.optional(),
      profile: z
        .string()
        .regex(/^[a-z0-9_]{1,64}$/, 'must be a profile name')
        .optional(),
      safety_level: z.enum(['standard', 'strict']).default('standard'),
      watermark: z
        .union([
          z.boolean(),
          z.string().trim().min(1).max(100),
          z
            .object({
              text: z.string().trim().min(1).max(100).default('AI-generated'),
              position: corner.default('bottom-right'),
            })
            .strict(),
        ])
        .default(false),
      return_format: z.enum(['url', 'base64']).default('url'),
    })
    .strict();
}

/** What each mode needs besides its prompt. */
const NEEDS: Partial<Record<`${AssetType}:${string}`, ('image' | 'mask' | 'video')[]>> = {
  'image:image': ['image'],
  'image:inpaint': ['image', 'mask'],
  'image:outpaint': ['image'],
  'image:upscale': ['image'],
  'video:image': ['image'],
  'gif:video': ['video'],
};
/** Modes that work from their input alone. */
const PROMPT_OPTIONAL = new Set(['image:upscale', 'gif:video']);

function toInput(raw: z.output<typeof inputSchema>, field: string, problems: Problem[]): InputRef | undefined {
  if (typeof raw !== 'string') return { kind: 'output', id: raw.output_id };
  const base64 = raw.startsWith('data:') ? raw.slice(raw.indexOf(',') + 1) : raw;
  if (!/^[A-Za-z0-9+/=\s_-]+$/.test(base64)) {
    problems.push({ field, reason: 'must be base64 bytes, a data URL, or {"output_id": "..."}' });
    return undefined;
  }
  const bytes = Buffer.from(base64, 'base64');
  if (!bytes.length || bytes.length > ASSET_LIMITS.maxInputBytes) {
    problems.push({ field, reason: `must hold 1 byte to ${ASSET_LIMITS.maxInputBytes} bytes` });
    return undefined;
  }
  return { kind: 'upload', bytes };
}

/**
 * Validates a generate request of `type`: every problem listed at once (400), defaults filled in.
 * The profile's hard limits are applied later, once the profile is known.
 */
export function parseAssetRequest(
  type: AssetType,
  body: unknown,
  randomSeed: () => number,
): { ok: true; draft: AssetDraft } | { ok: false; problems: Problem[] } {
  const parsed = validateWith(bodySchema(type), body ?? {});
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  const problems: Problem[] = [];
  const mode = b.mode as AssetMode;
  const key = `${type}:${mode}` as const;
  if (!b.prompt && !PROMPT_OPTIONAL.has(key)) problems.push({ field: 'prompt', reason: 'is required for this mode' });
  const defaults = ASSET_DEFAULTS[type];
  const p = b.params;
  let width = p.width ?? defaults.width;
  let height = p.height ?? defaults.height;
  if (p.resolution) {
    const [, w, h] = RESOLUTION.exec(p.resolution)!;
    width = Number(w);
    height = Number(h);
  }
  if (type === 'video') {
    // H.264 4:2:0 needs even sides: an odd ask is rounded down, not refused.
    width -= width % 2;
    height -= height % 2;
  }
  if (p.frames !== undefined && type === 'image')
    problems.push({ field: 'params.frames', reason: 'is for video and GIF' });
  if (p.expand && !(type === 'image' && mode === 'outpaint'))
    problems.push({ field: 'params.expand', reason: 'is for outpaint only' });
  if (p.max_bytes !== undefined && type !== 'gif')
    problems.push({ field: 'params.max_bytes', reason: 'is for GIF only' });
  const inputs: AssetDraft['inputs'] = {};
  for (const name of ['image', 'mask', 'video'] as const) {
    const needed = NEEDS[key]?.includes(name) ?? false;
    if (b[name] !== undefined && !needed) problems.push({ field: name, reason: `is not used by ${type} mode ${mode}` });
    else if (b[name] === undefined && needed)
      problems.push({ field: name, reason: `is required by ${type} mode ${mode}` });
    else if (b[name] !== undefined) {
      const input = toInput(b[name], name, problems);
      if (input) inputs[name] = input;
    }
  }
  if (problems.length) return { ok: false, problems };
  const mark = b.watermark;
  return {
    ok: true,
    draft: {
      type,
      mode,
      prompt: b.prompt ?? '',
      negativePrompt: b.negative_prompt || null,
      params: {
        width,
        height,
        frames: type === 'image' ? null : (p.frames ?? defaults.frames),
        fps: type === 'image' ? null : (p.fps ?? defaults.fps),
        steps: p.steps ?? null,
        guidance: p.guidance ?? null,
        seed: p.seed ?? randomSeed(),
        maxBytes: type === 'gif' ? (p.max_bytes ?? defaults.maxBytes) : null,
        expand: p.expand ?? null,
      },
      profile: b.profile ?? null,
      safetyLevel: b.safety_level,
      watermark:
        mark === false
          ? null
          : mark === true
            ? { text: 'AI-generated', position: 'bottom-right' }
            : typeof mark === 'string'
              ? { text: mark, position: 'bottom-right' }
              : { text: mark.text, position: mark.position },
      returnFormat: b.return_format,
      inputs,
    },
  };
}
