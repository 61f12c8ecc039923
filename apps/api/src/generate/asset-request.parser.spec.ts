import { type AppError } from '@app/domain';
import { loadModelRegistry } from '@app/generation';
import { loadConfig } from '@app/config';
import { assertWithinLimits, sniffInput } from './asset-limits';
import { parseAssetRequest } from './asset-request.parser';

const seed = () => 42;
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe(parseAssetRequest.name, () => {
  it('fills the defaults of each type and reads a WxH resolution', () => {
    const parsed = parseAssetRequest('gif', { prompt: 'a sneaker', params: { resolution: '240x160' } }, seed);
    expect(parsed).toMatchObject({
      ok: true,
      draft: {
        mode: 'text',
        params: { width: 240, height: 160, frames: 24, fps: 12, maxBytes: 5_000_000, seed: 42 },
        returnFormat: 'url',
        watermark: null,
      },
    });
  });

  it('lists every problem at once: missing prompt, missing input, a field the mode does not use', () => {
    const parsed = parseAssetRequest('image', { mode: 'inpaint', params: { frames: 3 }, video: 'AAAA' }, seed);
    expect(parsed.ok).toBe(false);
    const fields = !parsed.ok ? parsed.problems.map((p) => p.field) : [];
    expect(fields).toEqual(expect.arrayContaining(['prompt', 'params.frames', 'image', 'mask', 'video']));
  });

  it('takes inputs inline (base64 or data URL) or by an earlier output id', () => {
    const parsed = parseAssetRequest(
      'image',
      {
        prompt: 'x',
        mode: 'inpaint',
        image: `data:image/png;base64,${PNG_1x1.toString('base64')}`,
        mask: { output_id: '01J00000000000000000000000' },
      },
      seed,
    );
    expect(parsed).toMatchObject({
      ok: true,
      draft: { inputs: { image: { kind: 'upload' }, mask: { kind: 'output' } } },
    });
  });

  it('rounds odd video sides down to even', () => {
    expect(parseAssetRequest('video', { prompt: 'x', params: { width: 321, height: 181 } }, seed)).toMatchObject({
      draft: { params: { width: 320, height: 180 } },
    });
  });
});

describe(assertWithinLimits.name, () => {
  const registry = loadModelRegistry(loadConfig({}));
  const draft = (type: 'image' | 'video', params: object) => {
    const parsed = parseAssetRequest(type, { prompt: 'x', params }, seed);
    if (!parsed.ok) throw new Error('bad draft');
    return parsed.draft;
  };

  it('refuses a size or frame count over the profile limit with PROVIDER.LIMIT_EXCEEDED naming it', () => {
    const profile = registry.get('image_default');
    const error = (() => {
      try {
        assertWithinLimits(draft('image', {}), profile, { width: 4096, height: 4096 });
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error).toMatchObject({
      code: 'PROVIDER.LIMIT_EXCEEDED',
      details: { limit: 'maxWidth', profile: 'image_default' },
    });
    expect(() =>
      assertWithinLimits(draft('video', { frames: 5000 }), registry.get('video_default'), { width: 64, height: 64 }),
    ).toThrow(/maxFrames/);
    expect(() => assertWithinLimits(draft('image', {}), profile, { width: 1024, height: 768 })).not.toThrow();
  });
});

describe(sniffInput.name, () => {
  it('reads PNG sizes from IHDR and refuses what is not an image or MP4', () => {
    expect(sniffInput(PNG_1x1)).toEqual({ contentType: 'image/png', ext: 'png', width: 1, height: 1 });
    expect(sniffInput(Buffer.from('GIF89a not supported here'))).toBeNull();
  });
});
