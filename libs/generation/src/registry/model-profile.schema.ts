import { z } from 'zod';

/** The profile names the pipeline asks for; a registry file may add others (e.g. `video_kling`). */
export const STANDARD_PROFILES = [
  'image_default',
  'image_hd',
  'video_default',
  'video_long',
  'music_default',
  'speech_default',
  'continuity_default',
  'safety_default',
] as const;
export type StandardProfileName = (typeof STANDARD_PROFILES)[number];

/** `continuity` and `safety` are ONNX models run in-process on frames (boundary similarity, output classifier). */
export const MODEL_KINDS = ['video', 'image', 'music', 'speech', 'continuity', 'safety'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const PROVIDERS = ['embedded', 'vllm-omni', 'replicate', 'nvidia-cosmos', 'onnx'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const PROFILE_NAME = /^[a-z0-9_]{1,64}$/;

const positiveInt = z.number().int().positive();
const http = z.url({ protocol: /^https?$/ });
/** `1280x704`: width x height in pixels */
export const FRAME_SIZE = /^([1-9]\d{0,4})x([1-9]\d{0,4})$/;

export const modelProfileSchema = z
  .object({
    $comment: z.string().optional(),
    kind: z.enum(MODEL_KINDS),
    provider: z.enum(PROVIDERS),
    /**
     * the provider's model id: a Hugging Face repo the vLLM-Omni server runs, `owner/name` on Replicate,
     * or the NVIDIA API catalogue's `publisher/model` (invoked at `/v1/cosmos/{model}`)
     */
    model: z.string().trim().min(1).max(200),
    /** nvidia-cosmos: the catalogue model that takes a first frame (Video2World), when `model` takes text only */
    firstFrameModel: z.string().trim().min(1).max(200).optional(),
    precision: z.enum(['default', 'fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4']).default('default'),
    /** limits on the long and short side, so one profile serves landscape and portrait alike */
    maxWidth: positiveInt.max(8192).default(1920),
    maxHeight: positiveInt.max(8192).default(1920),
    /** null: no frame limit (embedded renderers) */
    maxFrames: positiveInt.nullable().default(null),
    /** the rate the model generates at; null for non-video kinds */
    fps: positiveInt.max(120).nullable().default(null),
    /** the only clip lengths the model makes (e.g. [5, 10]); null: any length up to maxFrames / fps */
    clipLengthsSec: z.array(z.number().positive().max(120)).min(1).nullable().default(null),
    /** the only frame sizes the model makes (e.g. ["1280x704"]); null: any size within maxWidth/maxHeight */
    sizes: z.array(z.string().regex(FRAME_SIZE, 'must be WIDTHxHEIGHT, e.g. 1280x704')).min(1).nullable().default(null),
    /** generated width and height are multiples of this (Wan2.2 TI2V-5B: 32) */
    sizeQuantum: positiveInt.max(256).default(16),
    /** num_frames must be framesQuantum * k + 1 (Wan: 4) */
    framesQuantum: positiveInt.max(64).default(1),
    acceptsFirstFrame: z.boolean().default(false),
    acceptsLastFrame: z.boolean().default(false),
    sampling: z
      .object({
        steps: positiveInt.max(200).nullable().default(null),
        guidance: z.number().min(0).max(30).nullable().default(null),
        flowShift: z.number().min(0).max(50).nullable().default(null),
        /** null: the request's seed (reproducible per job); a number pins it */
        seed: z.number().int().min(0).nullable().default(null),
      })
      .strict()
      .default({ steps: null, guidance: null, flowShift: null, seed: null }),
    lora: z
      .object({ path: z.string().trim().min(1), scale: z.number().min(0).max(4).default(1) })
      .strict()
      .optional(),
    negativePrompt: z.string().max(2000).optional(),
    /** speech: the voice when the request names none */
    voice: z.string().trim().min(1).max(100).optional(),
    price: z
      .object({ perSecondUsd: z.number().min(0).optional(), perCallUsd: z.number().min(0).optional() })
      .strict()
      .default({}),
    /** vLLM-Omni servers that run this model; default: every VLLM_OMNI_BASE_URL */
    endpoints: z.array(http).min(1).optional(),
    /** jobs at once per endpoint (vLLM-Omni) or per API key (Replicate, NVIDIA), across all workers */
    concurrency: positiveInt.max(256).optional(),
    /** requests per second per endpoint or key, across all workers */
    requestsPerSecond: z.number().positive().max(1000).optional(),
    /** how far a too-short clip may be slowed to fill its scene (1 = never) */
    maxSlowdown: z.number().min(1).max(3).default(1.5),
    /** scenes of the same model and parameters one call may make together (backends with batch support) */
    maxBatch: positiveInt.max(64).default(1),
    /** onnx: the model file; null: the model the project builds itself */
    path: z.string().trim().min(1).nullable().default(null),
    /** onnx continuity: boundaries scoring below this are regenerated once; safety: a blocked label's score that blocks */
    threshold: z.number().min(0).max(1).optional(),
    /** onnx: frames are scaled to inputSize x inputSize before inference */
    inputSize: positiveInt.max(1024).optional(),
    /** onnx safety: the classifier's output labels, in order, and which of them block a clip */
    labels: z.array(z.string().trim().min(1).max(64)).min(1).max(1000).optional(),
    blockLabels: z.array(z.string().trim().min(1).max(64)).optional(),
    /** onnx safety: frames sampled per second of each clip */
    sampleFps: z.number().positive().max(60).optional(),
    /** give up on a provider job after this long (it may still be resumed by a later attempt) */
    timeoutSec: positiveInt.max(24 * 3600).default(1800),
  })
  .strict();

export type ModelProfileInput = z.input<typeof modelProfileSchema>;
export type ModelProfile = z.output<typeof modelProfileSchema> & { name: string };

export const registryFileSchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    /** names are checked one by one by the loader, so one bad name does not hide the other problems */
    profiles: z.record(z.string(), z.unknown()),
  })
  .strict();
