import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  AppError,
  aspectRatiosOf,
  type Brief,
  clipDurationSec,
  composingProgress,
  ErrorCodes,
  type Job,
  LOUDNESS_TARGETS,
  outputSpecFor,
  type Storyboard,
  type StoredOutput,
  transitionSecOf,
} from '@app/domain';
import { GENERATORS, type Generators } from '@app/generation';
import { JobRepository } from '@app/jobs';
import { Composer, FfmpegRunner, type FinalCutRequest, finalCutTextOf, sceneStartsSec } from '@app/media';
import { type JobRef, QueueName } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { JobSteps } from '../job-steps.service';
import { UsageRecorder } from '../usage-recorder.service';
import { progressWriter } from '../progress-throttle';
import { Storyboards } from '../storyboards.service';
import { withWorkDir } from '../work-dir';
import { WORKER_OPTIONS } from '../worker-options';

const PREVIEW_WIDTH = 320;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The final cut in one ffmpeg pass: clips and transitions, type laid out per format, compliance
 * on screen long enough to read, voiceover over ducked music at the job's loudness, watermark and
 * AI-generated metadata; every requested format from the master; then poster, preview and captions.
 */
@Processor(QueueName.Compose, WORKER_OPTIONS)
export class ComposeProcessor extends WorkerHost {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: JobSteps,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    private readonly ffmpeg: FfmpegRunner,
    @Inject(GENERATORS) private readonly generators: Generators,
    private readonly usage: UsageRecorder,
  ) {
    super();
  }

  process(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('compose', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const now = new Date().toISOString();
        j.status = 'composing';
        if (j.stages.generating && !j.stages.generating.finishedAt) j.stages.generating.finishedAt = now;
        j.stages.composing ??= { startedAt: now, finishedAt: null };
      });
      const storyboard = await this.storyboards.load(ref);
      const outputs = await withWorkDir(this.config.dataDir, `${ref.jobId}-compose`, async (dir) => {
        const request = await this.finalCutRequest(job, storyboard, keys, dir);
        await this.speakWithProvider(request, ref, signal);
        const onProgress = progressWriter(
          (percent) =>
            this.jobs.update(ref.tenantId, ref.jobId, (j) => {
              const progress = composingProgress(percent / 100);
              if (j.progress >= progress) return false;
              j.progress = progress;
            }),
          5,
        );
        const result = await this.composer.finalCut(request, { signal, onProgress });
        return this.publish(storyboard, keys, request, result.captions, dir);
      });
      await this.jobs.update(ref.tenantId, ref.jobId, (j) => {
        const now = new Date().toISOString();
        j.status = 'completed';
        j.outputs = outputs;
        j.stages.composing = { startedAt: j.stages.composing?.startedAt ?? now, finishedAt: now };
      });
    });
  }

  private async finalCutRequest(
    job: Job,
    storyboard: Storyboard,
    keys: ArtifactKeys,
    dir: string,
  ): Promise<FinalCutRequest> {
    const brief = job.brief;
    const clips = await Promise.all(
      storyboard.scenes.map(async (scene, i) => {
        const path = join(dir, `scene_${i}.mp4`);
        await this.store.downloadTo(keys.clip(i), path);
        return {
          path,
          durationSec: clipDurationSec(storyboard.scenes, i),
          transitionIn: scene.transitionIn,
          transitionSec: transitionSecOf(scene),
        };
      }),
    );
    let musicPath: string | null = null;
    if (storyboard.music.enabled) {
      musicPath = join(dir, 'music.m4a');
      await this.store.downloadTo(keys.music, musicPath);
    }
    const starts = sceneStartsSec(storyboard.scenes);
    const totalSec = storyboard.durationSec;
    return {
      clips,
      totalSec,
      master: outputSpecFor(storyboard.aspectRatio),
      outputs: aspectRatiosOf(brief).map((aspectRatio) => ({
        aspectRatio,
        spec: outputSpecFor(aspectRatio),
        path: join(dir, `output_${aspectRatio.replace(':', 'x')}.mp4`),
        reframe: brief.reframe,
      })),
      text: finalCutTextOf(storyboard, brief.brand),
      audio: {
        musicPath,
        narration: brief.voiceover.enabled
          ? storyboard.scenes.flatMap((s, i) =>
              s.narration ? [{ text: s.narration, startSec: starts[i] + 0.2, endSec: starts[i] + s.durationSec }] : [],
            )
          : [],
        loudness: LOUDNESS_TARGETS[brief.loudness],
      },
      watermark: brief.watermark ? await this.watermark(brief.watermark, dir) : null,
      metadata: {
        ai_generated: 'true',
        generator: 'Reelsmith',
        reelsmith_job_id: job.id,
        comment: `AI-generated by Reelsmith, job ${job.id}`,
      },
      preset: brief.quality === 'final' ? this.config.composePreset : 'veryfast',
      workDir: dir,
    };
  }

  /**
   * Voiceover: ffmpeg's offline flite speaks each line unless a speech profile is configured
   * (e.g. a vLLM-Omni TTS server), whose audio then replaces it.
   */
  private async speakWithProvider(request: FinalCutRequest, ref: JobRef, signal: AbortSignal): Promise<void> {
    const speech = this.generators.speech;
    if (!speech) return;
    for (const [i, line] of request.audio.narration.entries()) {
      // a folder per line: a provider may name its output the same every time
      const workDir = join(request.workDir, `voice-${i}`);
      await mkdir(workDir, { recursive: true });
      const { path, usage } = await speech.generate({ text: line.text, workDir }, { signal });
      line.audioPath = path;
      await this.usage.record(ref, usage);
    }
  }

  private async watermark(mark: NonNullable<Brief['watermark']>, dir: string): Promise<FinalCutRequest['watermark']> {
    let logoPath: string | undefined;
    if (mark.logo) {
      const png = Buffer.from(mark.logo.slice(mark.logo.indexOf(',') + 1), 'base64');
      if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) {
        throw new AppError(ErrorCodes.composeFailed, 'the watermark logo is not a PNG image');
      }
      logoPath = join(dir, 'logo.png');
      await writeFile(logoPath, png);
    }
    return { text: mark.text, logoPath, position: mark.position, opacity: mark.opacity };
  }

  /** Stores every output and lists it with its type and content type. */
  private async publish(
    storyboard: Storyboard,
    keys: ArtifactKeys,
    request: FinalCutRequest,
    captions: string,
    dir: string,
  ): Promise<StoredOutput[]> {
    const outputs: StoredOutput[] = [];
    for (const [i, output] of request.outputs.entries()) {
      const probe = await this.ffmpeg.probe(output.path);
      const key = keys.finalVideoFor(output.aspectRatio, i === 0);
      await this.store.putFile(key, output.path, 'video/mp4');
      outputs.push({
        type: 'video',
        aspectRatio: output.aspectRatio,
        key,
        contentType: 'video/mp4',
        width: probe.video?.width ?? output.spec.width,
        height: probe.video?.height ?? output.spec.height,
        durationSec: Math.round(probe.durationSec * 1000) / 1000,
      });
    }
    const master = request.outputs[0];
    const posterPath = join(dir, 'poster.jpg');
    const previewPath = join(dir, 'preview.webp');
    const captionsPath = join(dir, 'captions.vtt');
    await this.composer.poster(
      master.path,
      Math.max(0, request.totalSec - storyboard.endCard.durationSec / 2),
      posterPath,
    );
    // ffmpeg cannot decode animated WebP to probe it: its size is what was asked for.
    const previewWidth = PREVIEW_WIDTH;
    const previewHeight = Math.round((PREVIEW_WIDTH * master.spec.height) / master.spec.width / 2) * 2;
    await this.composer.preview(master.path, previewPath, { width: previewWidth });
    await writeFile(captionsPath, captions, 'utf8');
    const extras: Array<[StoredOutput['type'], string, string, string, number, number, number | null]> = [
      ['poster', keys.poster, posterPath, 'image/jpeg', master.spec.width, master.spec.height, null],
      ['preview', keys.preview, previewPath, 'image/webp', previewWidth, previewHeight, request.totalSec],
      ['captions', keys.captions, captionsPath, 'text/vtt', 0, 0, request.totalSec],
    ];
    for (const [type, key, path, contentType, width, height, durationSec] of extras) {
      await this.store.putFile(key, path, contentType);
      outputs.push({
        type,
        aspectRatio: type === 'captions' ? null : master.aspectRatio,
        key,
        contentType,
        width,
        height,
        durationSec,
      });
    }
    return outputs;
  }
}
