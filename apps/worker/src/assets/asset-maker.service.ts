import { stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, type AssetRequest, type AssetType, Errors } from '@app/domain';
import {
  type GenerationUsage,
  GENERATORS,
  type Generators,
  type ImageGenerator,
  MODEL_REGISTRY,
  type ModelRegistry,
  type ProviderJobRef,
  sceneForPrompt,
  type StepOptions,
} from '@app/generation';
import {
  type AssetWatermark,
  buildClipDeliveryCommand,
  buildGifEncodeCommand,
  buildGifPaletteCommand,
  buildImageBlendCommand,
  buildImageFitCommand,
  buildInpaintCommand,
  buildOutpaintCommand,
  buildOutpaintMaskCommand,
  buildUpscaleCommand,
  FfmpegRunner,
  type GifPass,
  smallerGifPass,
  withGifComment,
  withPngText,
} from '@app/media';
import { SceneChecks } from '../scene-tier/scene-checks.service';

/** Local copies of the request's inputs. */
export interface AssetInputPaths {
  image?: string;
  mask?: string;
  video?: string;
}

/** One finished file, ready to store: what it is and what made it. */
export interface MadeAsset {
  path: string;
  type: AssetType;
  contentType: 'image/png' | 'video/mp4' | 'image/gif';
  ext: 'png' | 'mp4' | 'gif';
  width: number;
  height: number;
  durationSec: number | null;
  model: string;
  usage?: GenerationUsage;
}

export interface MakeOptions {
  signal?: AbortSignal;
  /** AI-generated marks written into the file (PNG text, MP4 tags, GIF comment) */
  marks: Record<string, string>;
  /** the provider job an earlier attempt created: polled to its end, never paid for twice */
  resume?: ProviderJobRef | null;
  /** called with a provider job before polling starts, so the row records it before anything can crash */
  onProviderJob?: (ref: ProviderJobRef) => Promise<void>;
}

/** The frame rate and count a clip or GIF gets when the request names none. */
export const DEFAULT_FPS = 24;
export const DEFAULT_FRAMES = 48;
const GIF_DEFAULT_FPS = 12;
const GIF_DEFAULT_FRAMES = 24;

/**
 * Makes a single asset from its request and local inputs: the model of the asked profile (the
 * embedded painter and animatic, or a provider) for pictures and motion, ffmpeg for the edits the
 * embedded profiles stand in for (upscale, inpaint, outpaint), the delivered encode with watermark
 * and AI-generated marks, and the output check on motion. Never touches the row or storage.
 */
@Injectable()
export class AssetMaker {
  constructor(
    private readonly ffmpeg: FfmpegRunner,
    @Inject(GENERATORS) private readonly generators: Generators,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly checks: SceneChecks,
  ) {}

  /** `provider:model` of the profile the request is made with, for the row. */
  backendOf(request: AssetRequest): string {
    const profile = this.registry.get(request.profile);
    return `${profile.provider}:${profile.model}`;
  }

  async make(request: AssetRequest, inputs: AssetInputPaths, workDir: string, opts: MakeOptions): Promise<MadeAsset> {
    let providerJob = opts.resume ?? null;
    const tracked: MakeOptions = {
      ...opts,
      onProviderJob: async (ref) => {
        providerJob = ref;
        await opts.onProviderJob?.(ref);
      },
    };
    try {
      if (request.type === 'image') return await this.image(request, inputs, workDir, tracked);
      if (request.type === 'video') return await this.video(request, inputs, workDir, tracked);
      return await this.gif(request, inputs, workDir, tracked);
    } catch (error) {
      // the asset was cancelled (or its job ended) while a provider was making it: stop paying for it
      if (opts.signal?.aborted && providerJob) await this.generators.cancel(providerJob).catch(() => undefined);
      throw error;
    }
  }

  /** Frees the provider's copy of a finished asset once ours is stored (see Generators.release). */
  release(ref: ProviderJobRef): Promise<void> {
    return this.generators.release(ref);
  }

  /** What a generator call gets: the abort signal and the provider job to resume or to record. */
  private stepOptions(opts: MakeOptions): StepOptions {
    return { signal: opts.signal, resume: opts.resume, onProviderJob: opts.onProviderJob };
  }

  private mark(request: AssetRequest): AssetWatermark | null {
    return request.watermark;
  }

  private imageGenerator(profileName: string): ImageGenerator {
    const generator = this.generators.byProfile.get(profileName);
    if (this.registry.get(profileName).kind !== 'image' || !generator)
      throw new AppError(Errors.assetFailed, `profile ${profileName} has no image generator here`);
    return generator as ImageGenerator;
  }

  /** The profile's editing model, when it is a provider's that has one (the embedded profiles edit with ffmpeg). */
  private editorFor(profileName: string): ImageGenerator | null {
    if (this.registry.get(profileName).provider === 'embedded') return null;
    const generator = this.imageGenerator(profileName);
    return generator.edit ? generator : null;
  }

  private async image(
    request: AssetRequest,
    inputs: AssetInputPaths,
    dir: string,
    opts: MakeOptions,
  ): Promise<MadeAsset> {
    const { params } = request;
    const out = join(dir, 'asset.png');
    const mark = this.mark(request);
    const profile = this.registry.get(request.profile);
    let usage: GenerationUsage | undefined;
    const paint = async () => {
      const made = await this.imageGenerator(request.profile).generate(
        {
          prompt: request.prompt,
          scene: sceneForPrompt(request.prompt, 1),
          negativePrompt: request.negativePrompt ?? undefined,
          width: params.width,
          height: params.height,
          seed: params.seed,
          workDir: dir,
        },
        this.stepOptions(opts),
      );
      usage = made.usage;
      return made.path;
    };
    const run = (cmd: Parameters<FfmpegRunner['run']>[0]) => this.ffmpeg.run(cmd, { signal: opts.signal });
    const image = () => required(inputs.image, 'image');
    const editor = this.editorFor(request.profile);
    const edit = async (imagePath: string, maskPath: string | null, size: { width: number; height: number }) => {
      const made = await editor!.edit!(
        {
          prompt: request.prompt,
          negativePrompt: request.negativePrompt ?? undefined,
          imagePath,
          maskPath,
          width: size.width,
          height: size.height,
          seed: params.seed,
          workDir: dir,
        },
        this.stepOptions(opts),
      );
      usage = made.usage;
      await run(buildImageFitCommand(made.path, out, null, mark));
    };
    switch (request.mode) {
      case 'text':
        await run(buildImageFitCommand(await paint(), out, params, mark));
        break;
      case 'image':
        if (editor) await edit(await this.atSize(image(), params, dir), null, params);
        else await run(buildImageBlendCommand(image(), await paint(), out, params, mark));
        break;
      case 'upscale':
        await run(buildUpscaleCommand(image(), out, 2, mark));
        break;
      case 'inpaint': {
        const fitted = await this.atSize(image(), params, dir);
        if (editor) await edit(fitted, required(inputs.mask, 'mask'), params);
        else await run(buildInpaintCommand(fitted, required(inputs.mask, 'mask'), out, mark));
        break;
      }
      case 'outpaint': {
        const source = await this.ffmpeg.probe(image());
        const inner = source.video!;
        const expand = params.expand;
        const canvas = expand
          ? {
              width: inner.width + expand.left + expand.right,
              height: inner.height + expand.top + expand.bottom,
              left: expand.left,
              top: expand.top,
            }
          : {
              width: params.width,
              height: params.height,
              left: Math.floor((params.width - inner.width) / 2),
              top: Math.floor((params.height - inner.height) / 2),
            };
        if (canvas.left < 0 || canvas.top < 0 || canvas.width < inner.width || canvas.height < inner.height)
          throw new AppError(
            Errors.assetInputInvalid,
            `outpaint: the image (${inner.width}x${inner.height}) must fit inside the canvas (${canvas.width}x${canvas.height})`,
          );
        if (editor) {
          // the canvas filled as the embedded profile does, then the new border repainted by the model
          const filled = join(dir, 'outpaint-canvas.png');
          const mask = join(dir, 'outpaint-mask.png');
          await run(buildOutpaintCommand(image(), filled, canvas, null));
          await run(buildOutpaintMaskCommand(mask, canvas, inner));
          await edit(filled, mask, canvas);
        } else await run(buildOutpaintCommand(image(), out, canvas, mark));
        break;
      }
      default:
        throw new AppError(Errors.requestInvalid, `image mode ${String(request.mode)} is not known`);
    }
    await writeFile(out, withPngText(await readFile(out), opts.marks));
    const probe = (await this.ffmpeg.probe(out)).video!;
    if (request.safetyLevel === 'strict') await this.checks.assertSafe(out, dir, null, opts.signal);
    return {
      path: out,
      type: 'image',
      contentType: 'image/png',
      ext: 'png',
      width: probe.width,
      height: probe.height,
      durationSec: null,
      model:
        request.mode === 'text' || request.mode === 'image' || (editor && request.mode !== 'upscale')
          ? profile.model
          : `ffmpeg-${request.mode}`,
      usage,
    };
  }

  /** The input at exactly the asked size (the same file when it already is). */
  private async atSize(path: string, size: { width: number; height: number }, dir: string): Promise<string> {
    const v = (await this.ffmpeg.probe(path)).video;
    if (v && v.width === size.width && v.height === size.height) return path;
    const fitted = join(dir, 'input-fitted.png');
    await this.ffmpeg.run(buildImageFitCommand(path, fitted, size, null));
    return fitted;
  }

  /** A clip of the prompt (or starting on the input image) from the profile's video model, before delivery. */
  private async motion(
    request: AssetRequest,
    profileName: string,
    spec: { width: number; height: number; fps: number; frames: number },
    firstFrame: string | null,
    dir: string,
    opts: MakeOptions,
  ) {
    const durationSec = (spec.frames + 1) / spec.fps;
    return this.generators.videoFor(profileName).generate(
      {
        scene: sceneForPrompt(request.prompt, durationSec),
        spec: { width: spec.width, height: spec.height, fps: spec.fps, pixelFormat: 'yuv420p', videoCodec: 'h264' },
        durationSec,
        seedFramePath: firstFrame,
        seed: request.params.seed,
        workDir: dir,
      },
      this.stepOptions(opts),
    );
  }

  private async video(
    request: AssetRequest,
    inputs: AssetInputPaths,
    dir: string,
    opts: MakeOptions,
  ): Promise<MadeAsset> {
    const { params } = request;
    const spec = {
      width: params.width,
      height: params.height,
      fps: params.fps ?? DEFAULT_FPS,
      frames: params.frames ?? DEFAULT_FRAMES,
    };
    const first = request.mode === 'image' ? await this.atSize(required(inputs.image, 'image'), spec, dir) : null;
    const raw = await this.motion(request, request.profile, spec, first, dir, opts);
    const out = join(dir, 'asset.mp4');
    await this.ffmpeg.run(buildClipDeliveryCommand(raw.path, out, spec, this.mark(request), opts.marks), {
      signal: opts.signal,
    });
    await this.checks.assertSafe(out, dir, null, opts.signal);
    return {
      path: out,
      type: 'video',
      contentType: 'video/mp4',
      ext: 'mp4',
      width: spec.width,
      height: spec.height,
      durationSec: spec.frames / spec.fps,
      model: this.registry.get(request.profile).model,
      usage: raw.usage,
    };
  }

  /** Two-pass palette GIF, looped; smaller passes until it fits the size cap, or ASSET.OVER_SIZE_CAP. */
  private async gif(
    request: AssetRequest,
    inputs: AssetInputPaths,
    dir: string,
    opts: MakeOptions,
  ): Promise<MadeAsset> {
    const { params } = request;
    let pass: GifPass | null = {
      width: params.width,
      height: params.height,
      fps: params.fps ?? GIF_DEFAULT_FPS,
      frames: params.frames ?? GIF_DEFAULT_FRAMES,
      colors: 256,
    };
    let usage: GenerationUsage | undefined;
    let source: string;
    let model: string;
    if (request.mode === 'video') {
      source = required(inputs.video, 'video');
      model = 'ffmpeg-gif';
    } else {
      const raw = await this.motion(request, request.profile, pass, null, dir, opts);
      source = raw.path;
      usage = raw.usage;
      model = this.registry.get(request.profile).model;
    }
    const palette = join(dir, 'palette.png');
    const out = join(dir, 'asset.gif');
    const cap = params.maxBytes;
    for (;;) {
      await this.ffmpeg.run(buildGifPaletteCommand(source, palette, pass, this.mark(request)), { signal: opts.signal });
      await this.ffmpeg.run(buildGifEncodeCommand(source, palette, out, pass, this.mark(request)), {
        signal: opts.signal,
      });
      const { size } = await stat(out);
      if (cap === null || size <= cap) break;
      const smaller = smallerGifPass(pass);
      if (!smaller)
        throw new AppError(
          Errors.assetOverSizeCap,
          `the GIF is ${size} bytes at its smallest (${pass.width}x${pass.height}, ${pass.colors} colours, ` +
            `${pass.frames} frames): over the ${cap}-byte cap; ask for fewer frames or a smaller size`,
        );
      pass = smaller;
    }
    const comment = Object.entries(opts.marks)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const marked = withGifComment(await readFile(out), comment);
    if (cap !== null && marked.length > cap)
      throw new AppError(Errors.assetOverSizeCap, `the GIF is ${marked.length} bytes: over the ${cap}-byte cap`);
    await writeFile(out, marked);
    await this.checks.assertSafe(out, dir, null, opts.signal);
    return {
      path: out,
      type: 'gif',
      contentType: 'image/gif',
      ext: 'gif',
      width: pass.width,
      height: pass.height,
      durationSec: pass.frames / pass.fps,
      model,
      usage,
    };
  }
}

function required(path: string | undefined, what: string): string {
  if (!path) throw new AppError(Errors.assetInputInvalid, `this mode needs an input ${what}`);
  return path;
}
