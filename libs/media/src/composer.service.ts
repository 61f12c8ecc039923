import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEncodeAudioCommand } from './clip/audio.builder';
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
} from './colour/colour-match.builder';
import { colourDistance, type ColourStats, yuv444pStats } from './colour/colour-match.stats';
import {
  audioMixGraph,
  bedLevelFilter,
  buildLoudnessPass1Command,
  buildSoundtrackCommand,
  FLITE_VOICE,
  parseLoudnormJson,
  type VoiceLine,
} from './final-cut/final-cut-audio.builder';
import {
  buildConcatList,
  buildFinalCutCommand,
  buildStreamCopyCommand,
  canStreamCopy,
} from './final-cut/final-cut.builder';
import { buildFinalCutAss, logoHeightPx, watermarkTextSpans } from './final-cut/final-cut-subtitles.builder';
import { buildPatchJoinList, changedTextWindow, type CutWindow, patchWindow } from './final-cut/cut-patch.builder';
import { type FinalCutTimeline, planFinalCutTimeline } from './final-cut/final-cut-timeline.builder';
import {
  type FinalCutRequest,
  type FinalCutResult,
  type MadeSoundtrack,
  type SoundtrackLoudness,
  type SoundtrackMix,
  type SoundtrackRequest,
  type SoundtrackResult,
} from './final-cut/final-cut.types';
import { statementStemOutputs } from './compliance/statement-measure.builder';
import { STATEMENT_VOICE_TEMPO } from '@app/domain';
import { type RenderProgressOptions } from './ffmpeg/ffmpeg-command.types';
import { FfmpegRunner } from './ffmpeg/ffmpeg.runner';
import { buildLastFrameCommand, buildPosterCommand } from './clip/frame.builder';
import {
  buildMeasureLoudnessCommand,
  type LoudnessMeasurement,
  parseEbur128Summary,
} from './final-cut/loudness.builder';
import { DEFAULT_FONTS_DIR } from './final-cut/fonts';
import { buildPreviewCommand, type PreviewOptions } from './final-cut/preview.builder';
import { writeTextFile } from './ffmpeg/text-file.util';
import { normaliseText } from './final-cut/text-layout.util';
import { buildWebVtt } from './final-cut/webvtt.builder';

/** Share of the progress bar an inline soundtrack stands for; the video encode has the rest. */
const SOUNDTRACK_SHARE = 0.1;
const SILENT: SoundtrackLoudness = { measuredLufs: -Infinity, measuredTruePeakDb: -Infinity };

/** Final assembly and the small jobs around it: poster, seed frames, music encoding. */
@Injectable()
export class Composer {
  constructor(private readonly runner: FfmpegRunner) {}

  /**
   * The finished ad in every requested format: one ffmpeg process that joins the clips once,
   * reframes, burns each format's type and encodes the video of them all, with the soundtrack's
   * AAC copied in. The soundtrack step makes that soundtrack beside the scenes; a request that
   * brings only its ingredients has it made here first. With nothing to draw, one format and no
   * blends, the clips' video is copied instead of re-encoded.
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

    const made = req.audio.made ?? null;
    const soundtrack =
      made ??
      (await this.inlineSoundtrack(req.audio, req, timeline, {
        signal: opts.signal,
        onProgress: progress(0, SOUNDTRACK_SHARE),
      }));
    const audio = soundtrack ? { soundtrackPath: soundtrack.path } : null;
    const videoShare = made ? 0 : SOUNDTRACK_SHARE;

    const pass2 = {
      signal: opts.signal,
      durationSec: req.totalSec,
      onProgress: progress(videoShare, 1 - videoShare),
    };
    const watermarkText = req.watermark?.text?.trim() ?? '';
    const overlays =
      timeline.scenes.length > 0 ||
      timeline.endCard !== null ||
      timeline.compliance !== null ||
      Boolean(timeline.statement) ||
      Boolean(watermarkText || req.watermark?.logoPath);
    let scripts: Array<string | null> = req.outputs.map(() => null);
    let encoded: FinalCutResult['encoded'] = 'all';
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
      scripts = req.outputs.map((_, k) => this.typeFor(req, timeline, k, watermarkText));
      const window = this.reusable(req, scripts);
      if (window !== 'same') {
        const outputs = await Promise.all(
          req.outputs.map(async (out, k) => {
            const ass = scripts[k];
            const assPath = ass ? await writeTextFile(req.workDir, `final-cut-${k}.ass`, ass) : null;
            const path = window ? join(req.workDir, `final-cut-patch-${k}.mp4`) : out.path;
            return { spec: out.spec, path, reframe: out.reframe, assPath };
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
          ...(window ? { window } : {}),
        });
        await this.runner.run(cmd, window ? { ...pass2, durationSec: window.endSec - window.startSec } : pass2);
      }
      if (window) {
        // the earlier cut's packets around the new stretch (or all of them), with this cut's audio and tags
        await Promise.all(
          req.outputs.map(async (out, k) => {
            const previous = req.previous!.outputs[k].videoPath;
            const list =
              window === 'same'
                ? buildConcatList([previous])
                : buildPatchJoinList(previous, join(req.workDir, `final-cut-patch-${k}.mp4`), window, req.totalSec);
            const concatListPath = await writeTextFile(req.workDir, `final-cut-join-${k}.ffconcat`, list);
            await this.runner.run(
              buildStreamCopyCommand({
                concatListPath,
                totalSec: req.totalSec,
                outPath: out.path,
                audio,
                metadata: req.metadata,
              }),
              { signal: opts.signal },
            );
          }),
        );
        encoded = window === 'same' ? 'none' : window;
      }
    }

    const plan = timeline.compliance?.plans[0];
    return {
      compliance: plan ? { mode: plan.mode, startSec: plan.startSec, endSec: plan.endSec, words: plan.words } : null,
      ...(timeline.statement
        ? {
            statement: {
              plan: timeline.statement,
              stems: soundtrack?.stems ?? null,
              watermarkTextSpans: watermarkText ? watermarkTextSpans(req.totalSec, timeline.statement) : [],
            },
          }
        : {}),
      captions: buildWebVtt(timeline.captions),
      loudness: soundtrack?.loudness ?? SILENT,
      scripts,
      encoded,
    };
  }

  /**
   * What of the earlier cut of the same picture (`req.previous`) can be kept: 'same' when every
   * output draws the same text; the GOPs to re-encode around what changed; null: encode it all.
   */
  private reusable(req: FinalCutRequest, scripts: Array<string | null>): CutWindow | 'same' | null {
    const previous = req.previous?.outputs;
    if (!previous || previous.length !== scripts.length) return null;
    let changed: CutWindow | null = null;
    for (const [k, script] of scripts.entries()) {
      const window = changedTextWindow(previous[k].ass, script);
      if (window === null) return null;
      if (window === 'same') continue;
      changed = changed
        ? { startSec: Math.min(changed.startSec, window.startSec), endSec: Math.max(changed.endSec, window.endSec) }
        : window;
    }
    return changed ? patchWindow(changed, req.totalSec) : 'same';
  }

  /** The soundtrack of a request that brought only its ingredients; null when there is nothing to hear. */
  private async inlineSoundtrack(
    mix: SoundtrackMix,
    req: FinalCutRequest,
    timeline: FinalCutTimeline,
    opts: RenderProgressOptions,
  ): Promise<MadeSoundtrack | null> {
    if (!mix.musicPath && !mix.narration.some((l) => l.audioPath || l.text.trim())) return null;
    const outPath = join(req.workDir, 'final-cut.soundtrack.m4a');
    // Major statement (issue 17): the window the music is held down under comes from the timeline.
    const statement =
      mix.statement ??
      (timeline.statement ? { startSec: timeline.statement.startSec, endSec: timeline.statement.endSec } : null);
    const { stems, ...loudness } = await this.soundtrack(
      { ...mix, statement, totalSec: req.totalSec, workDir: req.workDir, outPath },
      opts,
    );
    return { path: outPath, loudness, stems };
  }

  /**
   * The ad's soundtrack, made once and off the video's critical path. Pass 1 (audio only): the
   * narration lines as voice sources (flite reads each from a text file; a line with its own audio
   * uses that), music ducked under them, the bed rendered to a float WAV and measured by loudnorm.
   * Pass 2: the bed levelled from that measurement, cut to the ad's length and encoded to AAC at
   * `outPath`. With nothing to hear, a silent track of the same length and format. With a major
   * statement (issue 17), its lines are said a little slower, the music is held down under its
   * window, and pass 1 also writes the stems it is measured on (returned as `stems`).
   */
  async soundtrack(req: SoundtrackRequest, opts: RenderProgressOptions = {}): Promise<SoundtrackResult> {
    const voices: VoiceLine[] = [];
    for (const [i, line] of req.narration.entries()) {
      // Major statement (issue 17): its lines are said a little slower than the rest.
      const tempo = line.role === 'statement' ? STATEMENT_VOICE_TEMPO : undefined;
      const span = { startSec: line.startSec, endSec: line.endSec, ...(tempo ? { tempo } : {}) };
      if (line.audioPath) {
        voices.push({ source: { kind: 'file', path: line.audioPath }, ...span });
      } else if (line.text.trim()) {
        const textFilePath = await writeTextFile(req.workDir, `narration_${i}.txt`, normaliseText(line.text.trim()));
        voices.push({ source: { kind: 'flite', textFilePath, voice: FLITE_VOICE }, ...span });
      }
    }
    // Major statement (issue 17): the music is held down under it, and pass 1 also writes the stems it is measured on.
    const statement = req.statement ?? null;
    const mix = audioMixGraph({
      totalSec: req.totalSec,
      musicPath: req.musicPath,
      voices,
      duckWindows: statement ? [{ startSec: statement.startSec, endSec: statement.endSec }] : [],
      stems: statement !== null,
    });
    const pass = (from: number) => opts.onProgress && ((f: number) => opts.onProgress?.(from + f / 2));
    if (!mix.label) {
      await this.runner.run(
        buildSoundtrackCommand({ wavPath: null, levelFilter: '', totalSec: req.totalSec, outPath: req.outPath }),
        { signal: opts.signal, durationSec: req.totalSec, onProgress: opts.onProgress },
      );
      return { ...SILENT, stems: null };
    }

    const wavPath = join(req.workDir, 'soundtrack.bed.wav');
    const lines: string[] = [];
    const pass1 = buildLoudnessPass1Command(mix, req.loudness, wavPath);
    const stems = mix.stems?.voice ? statementStemOutputs(mix.stems, req.workDir) : null;
    if (stems) pass1.outputs.push(...stems.outputs);
    await this.runner.run(pass1, {
      signal: opts.signal,
      durationSec: req.totalSec,
      onProgress: pass(0),
      onStderr: (line) => lines.push(line),
    });
    const measured = parseLoudnormJson(lines);
    const levelFilter = bedLevelFilter(req.loudness, measured);
    await this.runner.run(
      buildSoundtrackCommand({ wavPath, levelFilter, totalSec: req.totalSec, outPath: req.outPath }),
      {
        signal: opts.signal,
        durationSec: req.totalSec,
        onProgress: pass(0.5),
      },
    );
    return {
      measuredLufs: measured.integratedLufs,
      measuredTruePeakDb: measured.truePeakDb,
      stems: stems?.paths ?? null,
    };
  }

  /** Output `k`'s ASS file content, or null when it shows no text. */
  private typeFor(req: FinalCutRequest, timeline: FinalCutTimeline, k: number, watermarkText: string): string | null {
    const out = req.outputs[k];
    const compliance = timeline.compliance?.plans[k] ?? null;
    if (!timeline.scenes.length && !timeline.endCard && !compliance && !timeline.statement && !watermarkText) {
      return null;
    }
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
