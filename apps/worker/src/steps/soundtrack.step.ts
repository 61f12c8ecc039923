import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { type Job as BullJob } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GENERATORS, type Generators } from '@app/generation';
import {
  Composer,
  type MadeSoundtrack,
  type SoundtrackMix,
  soundtrackMixOf,
  type StatementAudioMeasurements,
  StatementMeasurer,
  type StatementStems,
} from '@app/media';
import { type JobRef } from '@app/pipeline';
import { ArtifactKeys, ArtifactStore } from '@app/storage';
import { type StepHandler } from '../queues/step-handler';
import { CONTENT_HASH, hashOf } from './content-hash';
import { StepRunner } from './step-runner.service';
import { Storyboards } from './storyboards.service';
import { UsageRecorder } from './usage-recorder.service';
import { withWorkDir } from './work-dir';

/** Object metadata of the stored soundtrack: what loudnorm measured before levelling it. */
const MEASURED_LUFS = 'measured-lufs';
const MEASURED_TRUE_PEAK = 'measured-true-peak-db';
/** Object metadata of the stored soundtrack: the stems stored beside it (major statement, issue 17). */
const STEMS = 'stems';
const STEM_NAMES = ['music', 'ducked', 'voice'] as const;
type StemName = (typeof STEM_NAMES)[number];
const STEM_PATH: Record<StemName, keyof StatementStems> = {
  music: 'musicPath',
  ducked: 'duckedPath',
  voice: 'voicePath',
};

/**
 * The ad's soundtrack, off the critical path: as soon as the storyboard (and the music, when
 * there is any) exists, the voiceover is spoken, mixed over the ducked music, measured and
 * levelled to the job's loudness, and stored as AAC (`audio/soundtrack.m4a`) while the scenes are
 * still generating. Compose then encodes video only and copies this audio in. Keyed by what it
 * is made of, so a revision that changes only picture or type reuses it.
 */
@Injectable()
export class SoundtrackStep implements StepHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly steps: StepRunner,
    private readonly store: ArtifactStore,
    private readonly storyboards: Storyboards,
    private readonly composer: Composer,
    @Inject(GENERATORS) private readonly generators: Generators,
    private readonly usage: UsageRecorder,
    private readonly statementMeasurer: StatementMeasurer,
  ) {}

  handle(bullJob: BullJob<JobRef>) {
    const ref = bullJob.data;
    return this.steps.run('soundtrack', bullJob, ref, async (job, signal) => {
      const keys = new ArtifactKeys(ref.tenantId, ref.jobId);
      const storyboard = await this.storyboards.load(ref);
      const mix = soundtrackMixOf(job, storyboard);
      const music = storyboard.music.enabled ? ((await this.store.head(keys.music))?.[CONTENT_HASH] ?? null) : null;
      const contentHash = hashOf({
        totalSec: storyboard.durationSec,
        music,
        narration: mix.narration,
        loudness: mix.loudness,
        statement: mix.statement ?? null,
        speech: this.generators.speech?.name ?? 'flite',
      });
      if ((await this.store.head(keys.soundtrack))?.[CONTENT_HASH] === contentHash) return;

      await withWorkDir(this.config, `${ref.jobId}-soundtrack`, async (dir) => {
        let musicPath: string | null = null;
        if (storyboard.music.enabled) {
          musicPath = join(dir, 'music.m4a');
          await this.store.downloadTo(keys.music, musicPath);
        }
        const request = { ...mix, musicPath, totalSec: storyboard.durationSec, workDir: dir };
        await this.speakWithProvider(request, ref, dir, signal);
        const outPath = join(dir, 'soundtrack.m4a');
        const { stems, ...loudness } = await this.composer.soundtrack({ ...request, outPath }, { signal });
        // Major statement (issue 17): the stems it is measured on are stored first, so a stored
        // soundtrack always has its stems beside it.
        const stored: StemName[] = [];
        for (const name of STEM_NAMES) {
          const path = stems?.[STEM_PATH[name]];
          if (!path) continue;
          await this.store.putFile(keys.soundtrackStem(name), path, 'audio/wav');
          stored.push(name);
        }
        // ...and measured once here, off the critical path: compose then measures only the pictures
        const statement = storyboard.compliance?.statement ?? null;
        if (statement) {
          const measured = await this.statementMeasurer.measureAudio({
            plan: statement,
            stems: stems ?? null,
            narration: request.narration,
            totalSec: storyboard.durationSec,
          });
          await this.store.putJson(keys.statementAudio, measured, { [CONTENT_HASH]: contentHash });
        }
        await this.store.putFile(keys.soundtrack, outPath, 'audio/mp4', {
          [CONTENT_HASH]: contentHash,
          [MEASURED_LUFS]: String(loudness.measuredLufs),
          [MEASURED_TRUE_PEAK]: String(loudness.measuredTruePeakDb),
          ...(stored.length ? { [STEMS]: stored.join(',') } : {}),
        });
      });
    });
  }

  /**
   * Voiceover: ffmpeg's offline flite speaks each line unless a speech profile is configured
   * (e.g. a vLLM-Omni TTS server), whose audio then replaces it.
   */
  private async speakWithProvider(mix: SoundtrackMix, ref: JobRef, dir: string, signal: AbortSignal): Promise<void> {
    const speech = this.generators.speech;
    if (!speech) return;
    for (const [i, line] of mix.narration.entries()) {
      // a folder per line: a provider may name its output the same every time
      const workDir = join(dir, `voice-${i}`);
      await mkdir(workDir, { recursive: true });
      const { path, usage } = await speech.generate({ text: line.text, workDir }, { signal });
      line.audioPath = path;
      await this.usage.record(ref, usage);
    }
  }
}

/** The stored soundtrack, downloaded for compose, with what it measured. */
export async function downloadSoundtrack(
  store: ArtifactStore,
  keys: ArtifactKeys,
  dir: string,
): Promise<MadeSoundtrack> {
  const path = join(dir, 'soundtrack.m4a');
  const [meta, audioMeta] = await Promise.all([
    store.head(keys.soundtrack),
    store.head(keys.statementAudio),
    store.downloadTo(keys.soundtrack, path),
  ]);
  const number = (value: string | undefined) => (value === undefined ? -Infinity : Number(value));
  // Major statement (issue 17): the stems stored beside the soundtrack, for measuring the statement
  const names = (meta?.[STEMS] ?? '')
    .split(',')
    .filter((n): n is StemName => (STEM_NAMES as readonly string[]).includes(n));
  const hash = meta?.[CONTENT_HASH];
  const statementAudio =
    hash && audioMeta?.[CONTENT_HASH] === hash
      ? await store.getJson<StatementAudioMeasurements>(keys.statementAudio)
      : null;
  let stems: StatementStems | null = null;
  // the stems are needed only when the statement was not measured with the soundtrack
  if (names.includes('voice') && !statementAudio) {
    stems = { musicPath: null, duckedPath: null, voicePath: '' };
    for (const name of names) {
      const stemPath = join(dir, `stem.${name}.wav`);
      await store.downloadTo(keys.soundtrackStem(name), stemPath);
      stems[STEM_PATH[name]] = stemPath;
    }
  }
  return {
    path,
    loudness: {
      measuredLufs: number(meta?.[MEASURED_LUFS]),
      measuredTruePeakDb: number(meta?.[MEASURED_TRUE_PEAK]),
    },
    stems,
    statementAudio,
  };
}
