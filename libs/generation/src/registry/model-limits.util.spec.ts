import { clampVideoRequest, estimateCost, maxClipSec, nearestFrameSize, planClipLengths } from './model-limits.util';
import { type ModelProfile, type ModelProfileInput, modelProfileSchema } from './model-profile.schema';
import { Errors } from '@app/domain';

function profile(input: Partial<ModelProfileInput>): ModelProfile {
  return { ...modelProfileSchema.parse({ kind: 'video', provider: 'vllm-omni', model: 'm', ...input }), name: 'test' };
}

const wan = profile({
  maxWidth: 1280,
  maxHeight: 704,
  sizeQuantum: 32,
  maxFrames: 121,
  framesQuantum: 4,
  fps: 24,
  acceptsFirstFrame: true,
});
const kling = profile({
  provider: 'replicate',
  fps: 24,
  clipLengthsSec: [5, 10],
  acceptsFirstFrame: true,
  acceptsLastFrame: true,
});

describe(planClipLengths.name, () => {
  it('asks a fixed-length model for the shortest length that covers the scene', () => {
    expect(planClipLengths(kling, 3)).toBe(5);
    expect(planClipLengths(kling, 5)).toBe(5);
    expect(planClipLengths(kling, 7)).toBe(10);
    expect(planClipLengths(kling, 12.5)).toBe(10);
  });

  it('asks a frame-based model for the scene length, capped at its longest clip', () => {
    expect(planClipLengths(wan, 3)).toBe(3);
    expect(planClipLengths(wan, 9)).toBeCloseTo(121 / 24);
    expect(maxClipSec(wan)).toBeCloseTo(5.0417, 3);
  });
});

describe(clampVideoRequest.name, () => {
  it('keeps the aspect within the long and short side limits, on the size grid', () => {
    expect(clampVideoRequest(wan, { width: 1280, height: 720, durationSec: 4 })).toMatchObject({
      width: 1248,
      height: 704,
    });
    expect(clampVideoRequest(wan, { width: 720, height: 1280, durationSec: 4 })).toMatchObject({
      width: 704,
      height: 1248,
    });
    expect(clampVideoRequest(wan, { width: 1080, height: 1080, durationSec: 4 })).toMatchObject({
      width: 704,
      height: 704,
    });
    expect(clampVideoRequest(wan, { width: 640, height: 360, durationSec: 4 })).toMatchObject({
      width: 640,
      height: 352,
    });
  });

  it('asks for 4k+1 frames covering the clip', () => {
    const c = clampVideoRequest(wan, { width: 1280, height: 720, durationSec: 3 });
    expect(c.numFrames).toBe(73);
    expect(c.slowdown).toBe(1);
    expect(c.modelSec).toBeCloseTo(73 / 24);
  });

  it('slows the longest clip to fill a longer scene within maxSlowdown', () => {
    const c = clampVideoRequest(wan, { width: 1280, height: 720, durationSec: 7 });
    expect(c.numFrames).toBe(121);
    expect(c.slowdown).toBeCloseTo(7 / (121 / 24));
  });

  it('refuses with PROVIDER.LIMIT_EXCEEDED what would need slowing past maxSlowdown', () => {
    expect(() => clampVideoRequest(wan, { width: 1280, height: 720, durationSec: 8 })).toThrow(
      expect.objectContaining({ code: Errors.providerLimitExceeded.code, retryable: false }),
    );
  });

  it('gives a fixed-length model one of its lengths and no frame count', () => {
    const c = clampVideoRequest(kling, { width: 1280, height: 720, durationSec: 7, firstFrame: true, lastFrame: true });
    expect(c).toMatchObject({
      modelSec: 10,
      numFrames: null,
      slowdown: 1,
      firstFrame: true,
      lastFrame: true,
      dropped: [],
    });
    expect(clampVideoRequest(kling, { width: 1280, height: 720, durationSec: 13.5 }).slowdown).toBeCloseTo(1.35);
  });

  it('gives a model that makes only some sizes the one nearest the ask, whatever the ask', () => {
    const cosmosInput: Partial<ModelProfileInput> = { provider: 'nvidia-cosmos', fps: 24, clipLengthsSec: [5] };
    const cosmos = profile({ ...cosmosInput, sizes: ['1280x704'] });
    for (const [width, height] of [
      [1280, 720],
      [720, 1280],
      [320, 180],
    ])
      expect(clampVideoRequest(cosmos, { width, height, durationSec: 4 })).toMatchObject({ width: 1280, height: 704 });
    const both = profile({ ...cosmosInput, sizes: ['1280x704', '704x1280'] });
    expect(clampVideoRequest(both, { width: 720, height: 1280, durationSec: 4 })).toMatchObject({
      width: 704,
      height: 1280,
    });
  });

  it('leaves out the conditioning frames a model cannot take, and says so', () => {
    const c = clampVideoRequest(wan, { width: 1280, height: 720, durationSec: 4, firstFrame: true, lastFrame: true });
    expect(c).toMatchObject({ firstFrame: true, lastFrame: false, dropped: ['lastFrame'] });
  });
});

describe(nearestFrameSize.name, () => {
  it('picks the nearest aspect ratio, and the larger size of two with the same one', () => {
    expect(nearestFrameSize(['1280x704', '704x1280', '960x960'], 1080, 1350)).toEqual({ width: 960, height: 960 });
    expect(nearestFrameSize(['640x352', '1280x704'], 1920, 1080)).toEqual({ width: 1280, height: 704 });
  });
});

describe(estimateCost.name, () => {
  it('prices seconds and calls at the list price', () => {
    expect(estimateCost({ price: { perSecondUsd: 0.07 } }, 10, 1)).toBeCloseTo(0.7);
    expect(estimateCost({ price: { perCallUsd: 0.2, perSecondUsd: 0.01 } }, 30, 2)).toBeCloseTo(0.7);
    expect(estimateCost({ price: {} }, 100, 5)).toBe(0);
  });
});
