import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { type AspectRatio, type MajorStatementPlan, type StatementMeasurements, wordCount } from '@app/domain';
import { FfmpegRunner } from '../ffmpeg/ffmpeg.runner';
import { type MadeSoundtrack, type NarrationLine, type StatementStems } from '../final-cut/final-cut.types';
import { parseEbur128Summary } from '../final-cut/loudness.builder';
import { type FrameSize } from '../final-cut/type-layout.util';
import { CAP_HEIGHT_PER_FONT_SIZE, statementBlockLayout } from '../final-cut/statement-type.builder';
import {
  buildFramesGrabCommand,
  buildSilenceCommand,
  buildSpanLoudnessCommand,
  firstGlyphHeightPx,
  parseSilences,
  regionContrast,
  type Span,
  speechIn,
} from './statement-measure.builder';

export interface StatementMeasureRequest {
  plan: MajorStatementPlan;
  stems: StatementStems | null;
  narration: readonly NarrationLine[];
  outputs: readonly { aspectRatio: AspectRatio; spec: FrameSize & { fps: number }; path: string }[];
  totalSec: number;
  workDir: string;
}

/** What the soundtrack alone tells about the statement: measured once, when the soundtrack is made. */
export type StatementAudioMeasurements = NonNullable<MadeSoundtrack['statementAudio']>;

const round = (v: number, places = 2) => Math.round(v * 10 ** places) / 10 ** places;

/** Measures the major statement (issue 17) on the stems and the finished outputs. */
@Injectable()
export class StatementMeasurer {
  constructor(private readonly runner: FfmpegRunner) {}

  async measure(req: StatementMeasureRequest): Promise<StatementMeasurements> {
    return { ...(await this.measureAudio(req)), formats: await this.measureFormats(req) };
  }

  /** Timing, rate, ducking and loudness of the statement, on the soundtrack's stems. */
  async measureAudio(
    req: Pick<StatementMeasureRequest, 'plan' | 'stems' | 'narration' | 'totalSec'>,
  ): Promise<StatementAudioMeasurements> {
    const statementLines = req.narration.filter((n) => n.role === 'statement');
    const otherLines = req.narration.filter((n) => n.role !== 'statement' && n.text.trim());
    const silences = req.stems?.voicePath ? await this.silences(req.stems.voicePath, req.totalSec) : null;
    const heard = (slot: Span) => (silences ? speechIn(slot, silences) : null);

    const lines = req.plan.lines.map((line) => {
      const audio = heard(line);
      return {
        text: line.text,
        textStartSec: line.startSec,
        textEndSec: line.endSec,
        audioStartSec: audio ? round(audio.startSec, 3) : null,
        audioEndSec: audio ? round(audio.endSec, 3) : null,
      };
    });
    const rate = (items: readonly NarrationLine[]) => {
      const spans = items.map((n) => heard(n)).filter((s): s is Span => s !== null);
      const sec = spans.reduce((sum, s) => sum + (s.endSec - s.startSec), 0);
      const words = items.reduce((sum, n) => sum + wordCount(n.text), 0);
      return sec > 0 ? round(words / sec) : null;
    };

    const voice = req.stems?.voicePath ?? null;
    const statementLoudness = voice ? await this.loudness(voice, statementLines) : null;
    const otherLoudness = voice && otherLines.length ? await this.loudness(voice, otherLines) : null;
    const window = [{ startSec: req.plan.startSec, endSec: req.plan.endSec }];
    let duckingDb: number | null = null;
    if (req.stems?.musicPath && req.stems.duckedPath) {
      const made = await this.loudness(req.stems.musicPath, window);
      const mixed = await this.loudness(req.stems.duckedPath, window);
      duckingDb = Number.isFinite(made) && made > -70 ? round(made - Math.max(mixed, -120), 1) : null;
    }

    return {
      window: { startSec: req.plan.startSec, endSec: req.plan.endSec },
      lines,
      statementWordsPerSec: rate(statementLines),
      otherWordsPerSec: otherLines.length ? rate(otherLines) : null,
      duckingDb,
      statementLoudnessLufs: statementLoudness !== null ? round(statementLoudness, 1) : null,
      otherNarrationLoudnessLufs: otherLoudness !== null ? round(otherLoudness, 1) : null,
    };
  }

  /** Contrast, cap height and placement of the statement's type, on a frame of each line in every output. */
  async measureFormats(
    req: Pick<StatementMeasureRequest, 'plan' | 'outputs' | 'workDir'>,
  ): Promise<StatementMeasurements['formats']> {
    return Promise.all(req.outputs.map((out, k) => this.measureFormat(req, out, k)));
  }

  private async measureFormat(
    req: Pick<StatementMeasureRequest, 'plan' | 'workDir'>,
    out: StatementMeasureRequest['outputs'][number],
    k: number,
  ) {
    const ratios: number[] = [];
    const capHeights: number[] = [];
    let insideTitleSafe = true;
    const raw = join(req.workDir, `statement-frames-${k}.rgb`);
    const grab = buildFramesGrabCommand(
      out.path,
      req.plan.lines.map((line) => (line.startSec + line.endSec) / 2),
      out.spec.fps,
      raw,
    );
    await this.runner.run(grab.command);
    const frames = await readFile(raw);
    const frameBytes = out.spec.width * out.spec.height * 3;
    for (const [i, line] of req.plan.lines.entries()) {
      const layout = statementBlockLayout(out.spec, line.text);
      const { plate, titleSafe } = layout;
      insideTitleSafe &&=
        plate.x >= titleSafe.x &&
        plate.y >= titleSafe.y &&
        plate.x + plate.width <= titleSafe.x + titleSafe.width &&
        plate.y + plate.height <= titleSafe.y + titleSafe.height;
      const rgb = frames.subarray(grab.frameOf[i] * frameBytes, (grab.frameOf[i] + 1) * frameBytes);
      ratios.push(regionContrast(rgb, out.spec.width, layout.text).ratio);
      if (/^[\p{Lu}\p{N}]/u.test(line.text)) capHeights.push(firstGlyphHeightPx(rgb, out.spec.width, layout.text));
    }
    const fontSize = statementBlockLayout(out.spec, 'X').fontSize;
    const capHeightPx = capHeights.length ? Math.min(...capHeights) : Math.round(fontSize * CAP_HEIGHT_PER_FONT_SIZE);
    return {
      aspectRatio: out.aspectRatio,
      width: out.spec.width,
      height: out.spec.height,
      contrastRatios: ratios,
      minContrastRatio: ratios.length ? Math.min(...ratios) : 0,
      capHeightPx,
      capHeightPct: round((capHeightPx / out.spec.height) * 100),
      insideTitleSafe,
      // Lines follow one another without overlap, and each is one plate with its block.
      blocksAtOnce: req.plan.lines.every((l, i) => i === 0 || l.startSec >= req.plan.lines[i - 1].endSec - 1e-6)
        ? 1
        : 2,
    };
  }

  private async silences(path: string, totalSec: number): Promise<Span[]> {
    const lines: string[] = [];
    await this.runner.run(buildSilenceCommand(path), { onStderr: (l) => lines.push(l) });
    return parseSilences(lines, totalSec);
  }

  private async loudness(path: string, spans: readonly Span[]): Promise<number> {
    const lines: string[] = [];
    await this.runner.run(buildSpanLoudnessCommand(path, spans), { onStderr: (l) => lines.push(l) });
    return parseEbur128Summary(lines).integratedLufs;
  }
}
