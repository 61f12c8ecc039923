import { type ProviderJobRecord } from './provider-job';

/**
 * Single assets: an image, a clip or a GIF made from one prompt (or an input image or video),
 * outside the ad pipeline. An asset is a job row of kind `asset`: same table, same history, same
 * events; its request and what each output was made with live in `job.asset`.
 */
export const ASSET_TYPES = ['image', 'video', 'gif'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const ASSET_MODES = {
  image: ['text', 'image', 'inpaint', 'outpaint', 'upscale'],
  video: ['text', 'image'],
  gif: ['text', 'video'],
} as const satisfies Record<AssetType, readonly string[]>;
export type AssetMode = (typeof ASSET_MODES)[AssetType][number];

export const JOB_KINDS = ['ad', 'asset'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface AssetParams {
  width: number;
  height: number;
  /** video and GIF: frames to make */
  frames: number | null;
  fps: number | null;
  steps: number | null;
  guidance: number | null;
  seed: number;
  /** GIF: the largest file accepted, in bytes */
  maxBytes: number | null;
  /** outpaint: pixels added on each side (left, top, right, bottom) */
  expand: { left: number; top: number; right: number; bottom: number } | null;
}

/** An input stored beside the asset (uploaded, or copied from an earlier output). */
export interface AssetInput {
  key: string;
  contentType: string;
}

export interface AssetRequest {
  type: AssetType;
  mode: AssetMode;
  prompt: string;
  negativePrompt: string | null;
  params: AssetParams;
  /** the registry profile asked for (image_default / video_default when none) */
  profile: string;
  safetyLevel: 'standard' | 'strict' | 'off';
  watermark: { text: string; position: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' } | null;
  returnFormat: 'url' | 'base64';
  inputs: { image?: AssetInput; mask?: AssetInput; video?: AssetInput };
  /** the batch it belongs to, if any */
  batchId?: string | null;
}

/** What one output was made with, answered beside it. */
export interface AssetOutputMetadata {
  model: string;
  seed: number;
  params: Record<string, unknown>;
  promptSha256: string;
}

export interface AssetRecord {
  request: AssetRequest;
  /** one per output, in the order of `job.outputs` */
  metadata: AssetOutputMetadata[];
  /** the backend that made it (`embedded:animatic`, `vllm-omni:...`) */
  backend: string | null;
  /** the provider's job making it, recorded before polling so a retry resumes it instead of paying again */
  providerJob?: ProviderJobRecord | null;
}

/** One item of a batch: an ad (a brief) or a single asset, made as an ordinary job row. */
export interface BatchItem {
  index: number;
  kind: JobKind;
  jobId: string;
  /** what tells it apart: a variation's label, or the asset type */
  label: string;
}

/** A batch: up to 50 jobs submitted together, read, streamed, archived and cancelled as one. */
export interface Batch {
  tenantId: string;
  id: string;
  createdAt: string;
  items: BatchItem[];
}

export const MAX_BATCH_ITEMS = 50;
