import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  AppError,
  aspectRatiosOf,
  type Brief,
  buildComplianceReport,
  complianceReportHtml,
  type ComplianceReport,
  clipDurationSec,
  completed,
  composingProgressed,
  composingStarted,
  Errors,
  type Job,
  outputSpecFor,
  type Storyboard,
  type StoredOutput,
  transitionSecOf,
} from '@app/domain';
import { JobRepository } from '@app/persistence';
import {
  Composer,
  CUT_GOP_SEC,
  FfmpegRunner,
  type FinalCutRequest,
  type FinalCutResult,
  finalCutTextOf,
  soundtrackMixOf,
  StatementMeasurer,
} from '@app/media';
import { type JobRef, revisionOf } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { hashFile, hashOf } from './content-hash';
import { StepRunner } from './step-runner.service';
import { downloadSoundtrack } from './soundtrack.step';
import { progressWriter } from './progress-throttle';
import { Storyboards } from './storyboards.service';
import { withWorkDir } from './work-dir';
import { type StepHandler } from '../queues/step-handler';

const PREVIEW_WIDTH = 320;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stored beside each cut's outputs: what a later cut of the same picture needs to reuse it. */
interface CutManifest {
  pictureKey: string;
  scripts: Array<string | null>;
}

/**
 * Everything of a final cut but its text: the clips' bytes, how they join, the formats, the logo
 * and the encoder's settings. Two cuts with the same key differ only in what their scripts draw.
 */
async function pictureKeyOf(request: FinalCutRequest): Promise<string> {
  return hashOf({
    clips: await Promise.all(request.clips.map(async (c) => ({ ...c, path: await hashFile(c.path) }))),
    totalSec: request.totalSec,
    master: request.master,
    outputs: request.outputs.map((o) => ({ aspectRatio: o.aspectRatio, spec: o.spec, reframe: o.reframe })),
    logo: request.watermark?.logoPath
      ? {
          png: await hashFile(request.watermark.logoPath),
          position: request.watermark.position,
          opacity: request.watermark.opacity,
        }
      : null,
    preset: request.preset,
    gopSec: CUT_GOP_SEC,
  });
}

/**
 * The final cut in one ffmpeg pass that encodes video only: clips and transitions, type laid out
 * per format, compliance on screen long enough to read, watermark and AI-generated metadata, every
 * requested format from the master, with the soundtrack the soundtrack step made (voiceover over
 * ducked music at the job's loudness) copied in; then poster, preview and captions.
 */
@Injectable()
export class ComposeStep implements StepHandler {
  private readonly logger = new Logger(ComposeStep.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: StepRunner,
    private readonly jobs: JobRepository,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    private readonly ffmpeg: FfmpegRunner,
    private readonly statementMeasurer: StatementMeasurer,
  ) {}

  handle(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('compose', bullJob, ref, async (job, signal) => {
      // the outputs of a revision go under its own keys: the earlier ones stay downloadable
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId, revisionOf(ref));
      await this.jobs.update(ref.tenantId, ref.jobId, composingStarted());
      const storyboard = await this.storyboards.load(ref);
      let compliance: ComplianceReport | null = null;
      const outputs = await withWorkDir(this.config, `${ref.jobId}-compose`, async (dir) => {
        const request = await this.finalCutRequest(job, storyboard, keys, dir);
        const picture = await pictureKeyOf(request);
        request.previous = revisionOf(ref) ? await this.previousCut(job, request, picture, dir) : null;
        const onProgress = progressWriter(
          (percent) => this.jobs.update(ref.tenantId, ref.jobId, composingProgressed(percent / 100)),
          5,
        );
        const result = await this.composer.finalCut(request, { signal, onProgress });
        if (result.encoded !== 'all')
          this.logger.log(
            `${ref.jobId} revision ${revisionOf(ref)}: ${
              result.encoded === 'none'
                ? 'no text changed, the earlier cut copied'
                : `re-encoded ${result.encoded.startSec}-${result.encoded.endSec} s of ${request.totalSec} s, the rest of the earlier cut copied`
            }`,
          );
        const manifest: CutManifest = { pictureKey: picture, scripts: result.scripts };
        // the outputs' stills and uploads beside the statement's measuring: two cores, both busy
        const [published, report] = await Promise.all([
          this.publish(storyboard, keys, request, result.captions, dir),
          // Major statement (issue 17): measured on what was made, reported per job.
          this.complianceReport(job, storyboard, request, result),
          this.store.putJson(keys.cutManifest, manifest),
        ]);
        compliance = report;
        if (compliance) published.push(...(await this.publishReport(compliance, job.id, keys, dir)));
        return published;
      });
      await this.jobs.update(ref.tenantId, ref.jobId, completed(outputs, undefined, compliance));
    });
  }

  /**
   * The cut the job shows now (the revision before this one), when its picture is this cut's: its
   * videos, downloaded, and the scripts drawn on them. Null when anything but the text differs.
   */
  private async previousCut(
    job: Job,
    request: FinalCutRequest,
    picture: string,
    dir: string,
  ): Promise<FinalCutRequest['previous']> {
    const videos = request.outputs.map((o) =>
      job.outputs.find((v) => v.type === 'video' && v.aspectRatio === o.aspectRatio),
    );
    if (!videos[0] || videos.some((v) => !v)) return null;
    const manifest = await this.store.getJson<CutManifest>(ArtifactKeys.cutManifestBeside(videos[0].key));
    if (manifest?.pictureKey !== picture || manifest.scripts.length !== request.outputs.length) return null;
    const outputs = await Promise.all(
      videos.map(async (video, k) => {
        const videoPath = join(dir, `previous_${k}.mp4`);
        await this.store.downloadTo(video!.key, videoPath);
        return { videoPath, ass: manifest.scripts[k] };
      }),
    );
    return { outputs };
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
      audio: { ...soundtrackMixOf(job, storyboard), made: await downloadSoundtrack(this.store, keys, dir) },
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

  /** The compliance report of a brief with compliance: its statement measured on the stems and every output. */
  private async complianceReport(
    job: Job,
    storyboard: Storyboard,
    request: FinalCutRequest,
    result: FinalCutResult,
  ): Promise<ComplianceReport | null> {
    const plan = result.statement?.plan ?? null;
    const audio = request.audio.made?.statementAudio ?? null;
    const measured = !plan
      ? null
      : audio
        ? { ...audio, formats: await this.statementMeasurer.measureFormats({ ...request, plan }) }
        : await this.statementMeasurer.measure({
            plan,
            stems: result.statement?.stems ?? null,
            narration: request.audio.narration,
            outputs: request.outputs,
            totalSec: request.totalSec,
            workDir: request.workDir,
          });
    return buildComplianceReport({
      brief: job.brief,
      storyboard,
      plan,
      measured,
      captions: result.captions,
      watermarkTextSpans: result.statement?.watermarkTextSpans ?? null,
    });
  }

  private async publishReport(
    report: ComplianceReport,
    jobId: string,
    keys: ArtifactKeys,
    dir: string,
  ): Promise<StoredOutput[]> {
    const files: Array<['json' | 'html', string, string]> = [
      ['json', 'application/json', JSON.stringify(report, null, 2)],
      ['html', 'text/html', complianceReportHtml(report, jobId)],
    ];
    const outputs: StoredOutput[] = [];
    for (const [ext, contentType, body] of files) {
      const path = join(dir, `compliance-report.${ext}`);
      await writeFile(path, body, 'utf8');
      const key = keys.complianceReport(ext);
      await this.store.putFile(key, path, contentType);
      outputs.push({
        type: 'compliance-report',
        aspectRatio: null,
        key,
        contentType,
        width: 0,
        height: 0,
        durationSec: null,
      });
    }
    return outputs;
  }

  private async watermark(mark: NonNullable<Brief['watermark']>, dir: string): Promise<FinalCutRequest['watermark']> {
    let logoPath: string | undefined;
    if (mark.logo) {
      const png = Buffer.from(mark.logo.slice(mark.logo.indexOf(',') + 1), 'base64');
      if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) {
        throw new AppError(Errors.composeFailed, 'the watermark logo is not a PNG image');
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
    const master = request.outputs[0];
    const posterPath = join(dir, 'poster.jpg');
    const previewPath = join(dir, 'preview.webp');
    const captionsPath = join(dir, 'captions.vtt');
    // ffmpeg cannot decode animated WebP to probe it: its size is what was asked for.
    const previewWidth = PREVIEW_WIDTH;
    const previewHeight = Math.round((PREVIEW_WIDTH * master.spec.height) / master.spec.width / 2) * 2;
    // the stills are made while the videos are probed and uploaded
    const [outputs] = await Promise.all([
      Promise.all(
        request.outputs.map(async (output, i): Promise<StoredOutput> => {
          const probe = await this.ffmpeg.probe(output.path);
          const key = keys.finalVideoFor(output.aspectRatio, i === 0);
          await this.store.putFile(key, output.path, 'video/mp4');
          return {
            type: 'video',
            aspectRatio: output.aspectRatio,
            key,
            contentType: 'video/mp4',
            width: probe.video?.width ?? output.spec.width,
            height: probe.video?.height ?? output.spec.height,
            durationSec: Math.round(probe.durationSec * 1000) / 1000,
          };
        }),
      ),
      this.composer.poster(master.path, Math.max(0, request.totalSec - storyboard.endCard.durationSec / 2), posterPath),
      this.composer.preview(master.path, previewPath, { width: previewWidth }),
      writeFile(captionsPath, captions, 'utf8'),
    ]);
    const extras: Array<[StoredOutput['type'], string, string, string, number, number, number | null]> = [
      ['poster', keys.poster, posterPath, 'image/jpeg', master.spec.width, master.spec.height, null],
      ['preview', keys.preview, previewPath, 'image/webp', previewWidth, previewHeight, request.totalSec],
      ['captions', keys.captions, captionsPath, 'text/vtt', 0, 0, request.totalSec],
    ];
    await Promise.all(extras.map(([, key, path, contentType]) => this.store.putFile(key, path, contentType)));
    for (const [type, key, , contentType, width, height, durationSec] of extras) {
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
