import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEncodeAudioCommand } from './audio.builder';
import {
  buildColourMatchCommand,
  buildColourSampleCommand,
  COLOUR_SAMPLE_HEIGHT,
  COLOUR_SAMPLE_WIDTH,
  type ColourMatchRequest,
  type ColourMatchResult,
  type ColourSampleSource,
  DEFAULT_COLOUR_MATCH_LIMITS,
  planColourCorrection,
} from './colour-match.builder';
import { colourDistance, type ColourStats, yuv444pStats } from './colour-match.stats';
import {
  audioMixGraph,
  bedLevelFilter,
  buildLoudnessPass1Command,
  FLITE_VOICE,
  type LoudnormMeasurement,
  parseLoudnormJson,
  type VoiceLine,
} from './final-cut-audio.builder';
import {
  buildConcatList,
  buildFinalCutCommand,
  buildStreamCopyCommand,
  canStreamCopy,
  type FinalCutAudio,
} from './final-cut.builder';
import { buildFinalCutAss, logoHeightPx } from './final-cut-subtitles.builder';
import { type FinalCutTimeline, planFinalCutTimeline } from './final-cut-timeline.builder';
import { type FinalCutRequest, type FinalCutResult } from './final-cut.types';
import { type RenderProgressOptions } from './ffmpeg-command.types';
import { FfmpegRunner } from './ffmpeg.runner';
import { buildLastFrameCommand, buildPosterCommand } from './frame.builder';
import { buildMeasureLoudnessCommand, type LoudnessMeasurement, parseEbur128Summary } from './loudness.builder';
import { DEFAULT_FONTS_DIR } from './media.constants';
import { buildPreviewCommand, type PreviewOptions } from './preview.builder';
import { writeTextFile } from './text-file.util';
import { normaliseText } from './text-layout.util';
import { buildWebVtt } from './webvtt.builder';

/** Share of the progress bar the audio-only loudness pass stands for; the encode has the rest. */
const PASS1_SHARE = 0.1;

/** Final assembly and the small jobs around it: poster, seed frames, music encoding. */
@Injectable()
export class Composer {
  constructor(private readonly runner: FfmpegRunner) {}

  /**
   * The finished ad in every requested format. Pass 1 (audio only) renders the sound bed to a WAV
   * and measures it; pass 2 is one ffmpeg process that joins the clips once, reframes, burns each
   * format's type and encodes them all with the levelled audio. With nothing to draw, one format
   * and no blends, the clips' video is copied instead of re-encoded.
   */
  async finalCut(req: FinalCutRequest, opts: RenderProgressOptions = {}): Promise<FinalCutResult> {
    const [first] = req.outputs;
    if (!first) throw new RangeError('a final cut needs at least one output');
    if (first.spec.width !== req.master.width || first.spec.height !== req.master.height) {
      throw new RangeError('outputs[0] must be at the master size');
    }
    const timeline = planFinalCutTimeline(
      req,
      req.outputs.map((o) => o.spec),
    );
    const progress = (from: number, share: number) =>
      opts.onProgress && ((f: number) => opts.onProgress?.(from + f * share));

    const { audio, measured } = await this.levelBed(req, {
      signal: opts.signal,
      onProgress: progress(0, PASS1_SHARE),
    });

    const pass2 = {
      signal: opts.signal,
      durationSec: req.totalSec,
      onProgress: progress(PASS1_SHARE, 1 - PASS1_SHARE),
    };
    const watermarkText = req.watermark?.text?.trim() ?? '';
    const overlays =
      timeline.scenes.length > 0 ||
      timeline.endCard !== null ||
      timeline.compliance !== null ||
      Boolean(watermarkText || req.watermark?.logoPath);
    if (canStreamCopy({ clips: req.clips, master: req.master, outputs: req.outputs, overlays })) {
      const list = buildConcatList(req.clips.map((c) => c.path));
      const concatListPath = await writeTextFile(req.workDir, 'final-cut.clips.ffconcat', list);
      const cmd = buildStreamCopyCommand({
        concatListPath,
        totalSec: req.totalSec,
        outPath: first.path,
        audio,
        metadata: req.metadata,
      });
      await this.runner.run(cmd, pass2);
    } else {
      const outputs = await Promise.all(
        req.outputs.map(async (out, k) => {
          const ass = this.typeFor(req, timeline, k, watermarkText);
          const assPath = ass ? await writeTextFile(req.workDir, `final-cut-${k}.ass`, ass) : null;
          return { spec: out.spec, path: out.path, reframe: out.reframe, assPath };
        }),
      );
      const logoPath = req.watermark?.logoPath;
      const cmd = buildFinalCutCommand({
        clips: req.clips,
        totalSec: req.totalSec,
        master: req.master,
        outputs,
        logo:
          req.watermark && logoPath
            ? {
                path: logoPath,
                position: req.watermark.position,
                opacity: req.watermark.opacity,
                heightPx: logoHeightPx,
              }
            : null,
        audio,
        metadata: req.metadata,
        preset: req.preset,
        fontsDir: DEFAULT_FONTS_DIR,
      });
      await this.runner.run(cmd, pass2);
    }

    const plan = timeline.compliance?.plans[0];
    return {
      compliance: plan ? { mode: plan.mode, startSec: plan.startSec, endSec: plan.endSec, words: plan.words } : null,
      captions: buildWebVtt(timeline.captions),
      loudness: {
        measuredLufs: measured?.integratedLufs ?? -Infinity,
        measuredTruePeakDb: measured?.truePeakDb ?? -Infinity,
      },
    };
  }

  /**
   * Pass 1: the narration lines as voice sources (flite reads each from a text file; a line with
   * its own audio uses that), the bed rendered and measured. Null audio when there is nothing to hear.
   */
  private async levelBed(
    req: FinalCutRequest,
    opts: RenderProgressOptions,
  ): Promise<{ audio: FinalCutAudio; measured: LoudnormMeasurement | null }> {
    const voices: VoiceLine[] = [];
    for (const [i, line] of req.audio.narration.entries()) {
      const span = { startSec: line.startSec, endSec: line.endSec };
      if (line.audioPath) {
        voices.push({ source: { kind: 'file', path: line.audioPath }, ...span });
      } else if (line.text.trim()) {
        const textFilePath = await writeTextFile(req.workDir, `narration_${i}.txt`, normaliseText(line.text.trim()));
        voices.push({ source: { kind: 'flite', textFilePath, voice: FLITE_VOICE }, ...span });
      }
    }
    const mix = audioMixGraph({ totalSec: req.totalSec, musicPath: req.audio.musicPath, voices });
    if (!mix.label) return { audio: null, measured: null };

    const wavPath = join(req.workDir, 'final-cut.bed.wav');
    const lines: string[] = [];
    await this.runner.run(buildLoudnessPass1Command(mix, req.audio.loudness, wavPath), {
      ...opts,
      durationSec: req.totalSec,
      onStderr: (line) => lines.push(line),
    });
    const measured = parseLoudnormJson(lines);
    return { audio: { wavPath, levelFilter: bedLevelFilter(req.audio.loudness, measured) }, measured };
  }

  /** Output `k`'s ASS file content, or null when it shows no text. */
  private typeFor(req: FinalCutRequest, timeline: FinalCutTimeline, k: number, watermarkText: string): string | null {
    const out = req.outputs[k];
    const compliance = timeline.compliance?.plans[k] ?? null;
    if (!timeline.scenes.length && !timeline.endCard && !compliance && !watermarkText) return null;
    const mark = req.watermark;
    return buildFinalCutAss({
      spec: out.spec,
      timeline,
      compliance,
      fontName: req.text.fontName,
      brandColors: req.text.brandColors,
      watermark:
        mark && watermarkText
          ? {
              text: watermarkText,
              position: mark.position,
              opacity: mark.opacity,
              logoHeightPx: mark.logoPath ? logoHeightPx(out.spec) : 0,
            }
          : null,
    });
  }

  /** A small looping animated WebP (libwebp_anim) of the start of a video. */
  preview(videoPath: string, outPath: string, opts: PreviewOptions = {}): Promise<void> {
    return this.runner.run(buildPreviewCommand(videoPath, outPath, opts));
  }

  /** EBU R128 integrated loudness, true peak and loudness range of a file's audio (ebur128, peak=true). */
  async measureLoudness(path: string): Promise<LoudnessMeasurement> {
    const lines: string[] = [];
    await this.runner.run(buildMeasureLoudnessCommand(path), { onStderr: (line) => lines.push(line) });
    return parseEbur128Summary(lines);
  }

  poster(videoPath: string, atSec: number, outJpg: string): Promise<void> {
    return this.runner.run(buildPosterCommand(videoPath, atSec, outJpg));
  }

  /** The exact last frame of a clip as a PNG: the seed of the next clip in a continuity chain. */
  lastFrame(clipPath: string, outPng: string): Promise<void> {
    return this.runner.run(buildLastFrameCommand(clipPath, outPng));
  }

  /**
   * Against colour drift along a continuity chain: grades a chained clip towards the chain's first
   * keyframe, from none of the correction on its first frame to all of it on its last (see
   * `colourMatchGraph`). Measures the reference and the clip's last frame, skips a clip already
   * within `limits.minDistance`, and measures the output's last frame to report what it achieved.
   */
  async matchColours(req: ColourMatchRequest, opts: RenderProgressOptions = {}): Promise<ColourMatchResult> {
    const limits = { ...DEFAULT_COLOUR_MATCH_LIMITS, ...req.limits };
    const sample = async (path: string, source: ColourSampleSource, name: string): Promise<ColourStats> => {
      const raw = join(req.workDir, `colour-match.${name}.yuv`);
      await this.runner.run(buildColourSampleCommand(path, raw, source), { signal: opts.signal });
      return yuv444pStats(await readFile(raw), COLOUR_SAMPLE_WIDTH, COLOUR_SAMPLE_HEIGHT);
    };
    const [reference, lastFrameBefore] = await Promise.all([
      sample(req.referencePath, 'image', 'reference'),
      sample(req.clipPath, 'last-frame', 'before'),
    ]);
    const distanceBefore = colourDistance(reference, lastFrameBefore);
    if (distanceBefore < limits.minDistance) {
      opts.onProgress?.(1);
      return {
        applied: false,
        distanceBefore,
        distanceAfter: distanceBefore,
        correction: null,
        reference,
        lastFrameBefore,
        lastFrameAfter: lastFrameBefore,
      };
    }
    const correction = planColourCorrection(reference, lastFrameBefore, limits);
    const { clipPath, outPath, fps, frames } = req;
    await this.runner.run(buildColourMatchCommand({ clipPath, outPath, fps, frames, correction }), {
      signal: opts.signal,
      durationSec: frames / fps,
      onProgress: opts.onProgress,
    });
    const lastFrameAfter = await sample(outPath, 'last-frame', 'after');
    return {
      applied: true,
      distanceBefore,
      distanceAfter: colourDistance(reference, lastFrameAfter),
      correction,
      reference,
      lastFrameBefore,
      lastFrameAfter,
    };
  }

  encodeAudio(wavPath: string, outM4a: string): Promise<void> {
    return this.runner.run(buildEncodeAudioCommand(wavPath, outM4a));
  }
}
