import Redis from 'ioredis';
import { loadConfig, redisUrlOf } from '@app/config';
import { createGenerators, loadModelRegistry } from '@app/generation';
import { FfmpegRunner } from '@app/media';
import { type VideoGenerationChildSpec } from './ts-child.runner';

/**
 * A worker in miniature, in its own process: makes one scene's clip with the production generators
 * and prints one JSON line per event (`{"ref"}` once the provider job is recorded, `{"result"}` at
 * the end), so a test can SIGKILL it mid-generation and resume from the recorded ref.
 */
async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as VideoGenerationChildSpec;
  const config = loadConfig(spec.env);
  const redis = new Redis(redisUrlOf(config));
  const quiet = { log: () => undefined, error: () => undefined };
  const refuse = () => Promise.reject(new Error('embedded generators are not used by this child'));
  const generators = createGenerators(loadModelRegistry(config), config, {
    redis,
    ffmpeg: new FfmpegRunner({ logger: quiet }),
    embedded: {
      video: { name: 'animatic', real: false, generate: refuse },
      music: { name: 'synth', generate: refuse },
    },
    tuning: spec.tuning,
  });
  const result = await generators.videoFor(spec.profile).generate(spec.request, {
    onProviderJob: async (ref) => void process.stdout.write(`${JSON.stringify({ ref })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  redis.disconnect();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
