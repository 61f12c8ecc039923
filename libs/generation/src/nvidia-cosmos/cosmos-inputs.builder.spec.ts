import { type ModelProfile, modelProfileSchema } from '../registry/model-profile.schema';
import { COSMOS_PROFILE } from '../registry/model-registry.loader';
import {
  assetDataUrl,
  cosmosFrames,
  cosmosRequestBody,
  fitsInline,
  INLINE_BASE64_LIMIT,
  inlineDataUrl,
} from './cosmos-inputs.builder';

const cosmos: ModelProfile = { ...modelProfileSchema.parse(COSMOS_PROFILE), name: 'video_cosmos' };
const ask = { prompt: 'A sneaker on a plinth', width: 1280, height: 704, fps: 24, seconds: 5, seed: 7 };

describe(cosmosRequestBody.name, () => {
  it('asks Text2World for the documented 121 frames at 24 fps and 1280x704, leaving unset sampling to the model', () => {
    expect(cosmosRequestBody(cosmos, ask, null)).toEqual({
      prompt: 'A sneaker on a plinth',
      seed: 7,
      video_params: { height: 704, width: 1280, frames_count: 121, frames_per_sec: 24 },
    });
  });

  it('carries a first frame as `image` and a video as `video`, with the profile sampling and negative prompt', () => {
    const tuned: ModelProfile = {
      ...cosmos,
      negativePrompt: 'blurry',
      sampling: { steps: 35, guidance: 6.5, flowShift: null, seed: 11 },
    };
    expect(cosmosRequestBody(tuned, ask, { mime: 'image/png', url: 'data:image/png;base64,AAAA' })).toMatchObject({
      negative_prompt: 'blurry',
      seed: 11,
      guidance_scale: 6.5,
      steps: 35,
      image: 'data:image/png;base64,AAAA',
    });
    expect(cosmosRequestBody(cosmos, ask, { mime: 'video/mp4', url: 'data:video/mp4;asset_id,a1' })).toMatchObject({
      video: 'data:video/mp4;asset_id,a1',
    });
  });

  it('keeps the seed within 0..2^32-1 and the prompt within 250 words', () => {
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    const body = cosmosRequestBody(cosmos, { ...ask, prompt: long, seed: -1 }, null);
    expect(body.seed).toBe(4294967295);
    expect((body.prompt as string).split(' ')).toHaveLength(250);
  });
});

describe(cosmosFrames.name, () => {
  it('counts the first frame apart from the seconds after it', () => {
    expect(cosmosFrames(5, 24)).toBe(121);
    expect(cosmosFrames(2, 16)).toBe(33);
  });
});

describe(fitsInline.name, () => {
  it('keeps inline only what NVIDIA examples send inline, and names an asset the way they do', () => {
    const small = { mime: 'image/png' as const, bytes: Buffer.alloc(1000, 1) };
    const large = { mime: 'image/png' as const, bytes: Buffer.alloc((INLINE_BASE64_LIMIT / 4) * 3, 1) };
    expect(fitsInline(small)).toBe(true);
    expect(fitsInline(large)).toBe(false);
    expect(inlineDataUrl({ mime: 'image/jpeg', bytes: Buffer.from('jpg') })).toBe('data:image/jpeg;base64,anBn');
    expect(assetDataUrl('image/png', 'e0d1')).toBe('data:image/png;asset_id,e0d1');
  });
});
