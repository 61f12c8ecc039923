import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Composer } from '@app/media';
import { type MusicGenerator, type MusicRequest, type StepOptions } from '../generation.ports';
import { encodeWav, planMusic, renderMusic } from './music';

/** The embedded synthesiser: mood -> tempo, key, progression, rhythm; rendered offline, encoded to AAC. */
@Injectable()
export class SynthMusicGenerator implements MusicGenerator {
  readonly name = 'synth';

  constructor(private readonly composer: Composer) {}

  async generate(request: MusicRequest, options: StepOptions = {}): Promise<{ path: string }> {
    const plan = planMusic(request.mood, request.seed);
    const audio = renderMusic(plan, request.durationSec, request.seed);
    options.onProgress?.(0.5);
    const wavPath = join(request.workDir, 'music.wav');
    const outPath = join(request.workDir, 'music.m4a');
    await writeFile(wavPath, encodeWav(audio));
    await this.composer.encodeAudio(wavPath, outPath);
    options.onProgress?.(1);
    return { path: outPath };
  }
}
