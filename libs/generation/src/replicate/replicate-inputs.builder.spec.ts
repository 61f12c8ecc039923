import { type ModelProfile, modelProfileSchema } from '../registry/model-profile.schema';
import {
  dataUrl,
  fluxAspectRatio,
  fluxSchnellInput,
  klingAspectRatio,
  klingInput,
  stableAudioInput,
} from './replicate-inputs.builder';

const profile = (input: Record<string, unknown>): ModelProfile => ({
  ...modelProfileSchema.parse({ provider: 'replicate', ...input }),
  name: 'p',
});

describe(klingInput.name, () => {
  const kling = profile({ kind: 'video', model: 'kwaivgi/kling-v2.5-turbo-pro', negativePrompt: 'blurry' });

  it('sends only the published fields, the frames as data URLs', () => {
    const start = dataUrl(Buffer.from('png'), 'image/png');
    expect(
      klingInput(kling, {
        prompt: 'a shoe',
        durationSec: 10,
        width: 720,
        height: 1280,
        startImage: start,
        endImage: null,
      }),
    ).toEqual({
      prompt: 'a shoe',
      duration: 10,
      aspect_ratio: '9:16',
      negative_prompt: 'blurry',
      start_image: 'data:image/png;base64,cG5n',
    });
  });

  it('picks the nearest aspect ratio Kling offers', () => {
    expect(klingAspectRatio(1280, 720)).toBe('16:9');
    expect(klingAspectRatio(1080, 1080)).toBe('1:1');
    expect(klingAspectRatio(1080, 1350)).toBe('1:1');
    expect(klingAspectRatio(720, 1280)).toBe('9:16');
  });
});

describe(stableAudioInput.name, () => {
  const audio = profile({
    kind: 'music',
    model: 'stability-ai/stable-audio-2.5',
    sampling: { steps: 12, guidance: 0.5 },
  });

  it('asks for whole seconds covering the bed, steps and guidance within the model range', () => {
    expect(stableAudioInput(audio, { mood: 'warm, hopeful', durationSec: 29.5, seed: 7 })).toEqual({
      prompt: expect.stringMatching(/^warm, hopeful\. Instrumental .*no vocals/),
      duration: 30,
      seed: 7,
      steps: 8,
      cfg_scale: 1,
    });
    expect(stableAudioInput(audio, { mood: 'x', durationSec: 500, seed: 1 }).duration).toBe(190);
  });
});

describe(fluxSchnellInput.name, () => {
  const flux = profile({ kind: 'image', model: 'black-forest-labs/flux-schnell', sampling: { steps: 9 } });

  it('sends only the published fields: the nearest aspect ratio, one PNG, the seed, steps within 1 to 4', () => {
    expect(fluxSchnellInput(flux, { prompt: 'a glass of water', width: 768, height: 512, seed: 42 })).toEqual({
      prompt: 'a glass of water',
      aspect_ratio: '3:2',
      num_outputs: 1,
      seed: 42,
      output_format: 'png',
      go_fast: false,
      num_inference_steps: 4,
    });
    const pinned = profile({ kind: 'image', model: 'black-forest-labs/flux-schnell', sampling: { seed: 5 } });
    expect(fluxSchnellInput(pinned, { prompt: 'x', width: 64, height: 64, seed: 42 })).toMatchObject({ seed: 5 });
    expect(fluxSchnellInput(pinned, { prompt: 'x', width: 64, height: 64, seed: 42 })).not.toHaveProperty(
      'num_inference_steps',
    );
  });

  it('picks the nearest aspect ratio Flux offers', () => {
    expect(fluxAspectRatio(1280, 720)).toBe('16:9');
    expect(fluxAspectRatio(720, 1280)).toBe('9:16');
    expect(fluxAspectRatio(1080, 1080)).toBe('1:1');
    expect(fluxAspectRatio(1080, 1350)).toBe('4:5');
    expect(fluxAspectRatio(2560, 1080)).toBe('21:9');
    expect(fluxAspectRatio(1024, 768)).toBe('4:3');
  });
});
