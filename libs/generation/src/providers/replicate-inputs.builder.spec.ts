import { type ModelProfile, modelProfileSchema } from '../registry/model-profile.schema';
import { dataUrl, klingAspectRatio, klingInput, stableAudioInput } from './replicate-inputs.builder';

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
