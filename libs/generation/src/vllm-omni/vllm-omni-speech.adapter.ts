import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerationResult, type SpeechGenerator, type SpeechRequest, type StepOptions } from '../generation.ports';
import { oneCallUsage } from '../registry/model-limits.util';
import { type ModelProfile } from '../registry/model-profile.schema';
import { withRetries } from '../throughput/retry.util';
import { type AdapterTuning } from '../provider-kit/adapter-tuning';
import { type ProviderHttpClient } from '../provider-kit/provider-http.client';
import { type ProviderMedia } from '../provider-kit/provider-media.service';
import { VLLM_OMNI } from './vllm-omni-video.adapter';
import { type VllmOmniEndpoints } from './vllm-omni.endpoints';

export interface VllmOmniSpeechDeps {
  profile: ModelProfile;
  endpoints: VllmOmniEndpoints;
  http: ProviderHttpClient;
  media: ProviderMedia;
  tuning: AdapterTuning;
}

/** Voiceover from a vLLM-Omni TTS server (POST /v1/audio/speech, OpenAI shape), as WAV, checked readable. */
export class VllmOmniSpeechGenerator implements SpeechGenerator {
  readonly name: string;

  constructor(private readonly deps: VllmOmniSpeechDeps) {
    this.name = `${VLLM_OMNI}:${deps.profile.model}`;
  }

  async generate(request: SpeechRequest, options: StepOptions = {}): Promise<GenerationResult> {
    const { profile, endpoints, http, tuning, media } = this.deps;
    const outPath = join(request.workDir, 'speech.wav');
    const seconds = await withRetries(
      async () => {
        const { url, lease } = await endpoints.acquire(profile.model, options.signal);
        try {
          await endpoints.throttle(url, options.signal);
          const answer = await http.bytes({
            method: 'POST',
            url: `${url}/v1/audio/speech`,
            headers: { accept: 'audio/wav' },
            body: {
              input: request.text,
              model: profile.model,
              voice: request.voice ?? profile.voice ?? 'vivian',
              response_format: 'wav',
            },
            timeoutMs: tuning.downloadTimeoutMs,
            signal: options.signal,
          });
          await writeFile(outPath, answer.body);
        } finally {
          await lease.release();
        }
        return (await media.probe(outPath, 'audio')).durationSec;
      },
      { ...tuning.retry, signal: options.signal },
    );
    options.onProgress?.(1);
    return {
      path: outPath,
      usage: oneCallUsage(VLLM_OMNI, profile, seconds),
    };
  }
}
