import { ConfigError } from '@app/config';
import { loadModelRegistry } from './model-registry.loader';

type Providers = Parameters<typeof loadModelRegistry>[0]['providers'];

function config(providers: Partial<Providers> = {}) {
  return {
    providers: {
      modelsFile: null,
      vllmOmniBaseUrls: [],
      replicateTokens: [],
      defaultVideoProfile: 'video_default',
      ...providers,
    },
  };
}

function withFile(json: unknown, providers: Partial<Providers> = {}) {
  return loadModelRegistry(config({ modelsFile: '/models.json', ...providers }), {
    readFile: () => (typeof json === 'string' ? json : JSON.stringify(json)),
  });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadModelRegistry.name, () => {
  it('serves every standard profile with the free embedded renderers when nothing is configured', () => {
    const registry = loadModelRegistry(config());
    expect([...registry.profiles.keys()].sort()).toEqual(
      [
        'continuity_default',
        'image_default',
        'image_hd',
        'music_default',
        'safety_default',
        'speech_default',
        'video_default',
        'video_long',
      ].sort(),
    );
    for (const profile of registry.profiles.values()) {
      expect(profile.provider).toBe(['continuity', 'safety'].includes(profile.kind) ? 'onnx' : 'embedded');
      expect(profile.price).toEqual({});
    }
    // The in-process checks run the models the project builds itself until a file is named.
    expect(registry.get('continuity_default')).toMatchObject({ path: null, threshold: expect.any(Number) });
    expect(registry.get('safety_default')).toMatchObject({ labels: ['ok', 'flash'], blockLabels: ['flash'] });
    expect(registry.get('speech_default').model).toBe('flite');
    expect(registry.defaultVideo.name).toBe('video_default');
  });

  it('takes any ONNX model by path for the checks, and names what is wrong with an onnx entry', () => {
    const registry = withFile({
      profiles: {
        safety_default: {
          kind: 'safety',
          provider: 'onnx',
          model: 'acme/nsfw-v2',
          path: '/models/nsfw.onnx',
          labels: ['safe', 'nsfw'],
          blockLabels: ['nsfw'],
          threshold: 0.8,
          inputSize: 224,
          sampleFps: 1,
        },
      },
    });
    expect(registry.get('safety_default')).toMatchObject({ path: '/models/nsfw.onnx', labels: ['safe', 'nsfw'] });
    const problems = problemsOf(() =>
      withFile({
        profiles: {
          continuity_default: { kind: 'continuity', provider: 'onnx', model: 'x', labels: ['a'] },
          safety_default: {
            kind: 'safety',
            provider: 'onnx',
            model: 'y',
            threshold: 0.5,
            labels: ['ok'],
            blockLabels: ['bad'],
          },
          video_default: { kind: 'video', provider: 'embedded', model: 'animatic', threshold: 0.3 },
        },
      }),
    );
    expect(problems.sort()).toEqual([
      'MODELS_FILE continuity_default: "labels", "blockLabels" and "sampleFps" only apply to safety profiles',
      'MODELS_FILE continuity_default: an onnx profile needs "threshold"',
      'MODELS_FILE safety_default: blockLabels bad are not among its labels',
      'MODELS_FILE video_default: "path", "threshold" and "inputSize" only apply to onnx profiles',
    ]);
  });

  it('moves video, image and speech to vLLM-Omni when VLLM_OMNI_BASE_URL is set', () => {
    const registry = loadModelRegistry(config({ vllmOmniBaseUrls: ['http://gpu-1:8091'] }));
    expect(registry.get('video_default')).toMatchObject({
      provider: 'vllm-omni',
      model: 'Wan-AI/Wan2.2-TI2V-5B-Diffusers',
      maxFrames: 121,
      fps: 24,
      framesQuantum: 4,
      acceptsFirstFrame: true,
    });
    expect(registry.get('image_default').provider).toBe('vllm-omni');
    expect(registry.get('speech_default').provider).toBe('vllm-omni');
    expect(registry.get('music_default').provider).toBe('embedded');
    expect(registry.find('video_kling')).toBeNull();
  });

  it('adds Replicate profiles only when tokens are set', () => {
    const registry = loadModelRegistry(config({ replicateTokens: ['r8_a'] }));
    expect(registry.get('video_default')).toMatchObject({
      provider: 'replicate',
      model: 'kwaivgi/kling-v2.5-turbo-pro',
    });
    expect(registry.get('video_long').clipLengthsSec).toEqual([5, 10]);
    expect(registry.get('music_default')).toMatchObject({
      provider: 'replicate',
      model: 'stability-ai/stable-audio-2.5',
    });
    expect(registry.get('image_flux')).toMatchObject({
      kind: 'image',
      provider: 'replicate',
      model: 'black-forest-labs/flux-schnell',
    });
    // a named profile: keyframes stay on image_default until MODELS_FILE points it at Flux
    expect(registry.get('image_default').provider).toBe('embedded');

    const both = loadModelRegistry(config({ replicateTokens: ['r8_a'], vllmOmniBaseUrls: ['http://gpu-1:8091'] }));
    expect(both.get('video_default').provider).toBe('vllm-omni');
    expect(both.get('video_long').provider).toBe('replicate');
  });

  it('adds Cosmos with NVIDIA_API_KEY, as the default video only when no other real video backend is set', () => {
    const alone = loadModelRegistry(config({ nvidiaApiKeys: ['nvapi-a'] }));
    expect(alone.get('video_cosmos')).toMatchObject({
      provider: 'nvidia-cosmos',
      model: 'nvidia/cosmos-predict1-7b',
      sizes: ['1280x704'],
      clipLengthsSec: [5],
      fps: 24,
      acceptsFirstFrame: true,
      concurrency: 1,
    });
    expect(alone.defaultVideo.provider).toBe('nvidia-cosmos');
    expect(alone.get('video_long').provider).toBe('embedded');

    const withKling = loadModelRegistry(config({ nvidiaApiKeys: ['nvapi-a'], replicateTokens: ['r8_a'] }));
    expect(withKling.defaultVideo.provider).toBe('replicate');
    expect(withKling.get('video_cosmos').provider).toBe('nvidia-cosmos');
    expect(loadModelRegistry(config()).find('video_cosmos')).toBeNull();
  });

  it('names what is wrong with a Cosmos entry: no key, a size out of bounds, a first-frame model elsewhere', () => {
    const problems = problemsOf(() =>
      withFile({
        profiles: {
          video_cosmos: {
            kind: 'video',
            provider: 'nvidia-cosmos',
            model: 'nvidia/cosmos-predict1-7b',
            firstFrameModel: 'nvidia/cosmos-predict1-7b-video2world',
            maxWidth: 1280,
            maxHeight: 704,
            sizes: ['1920x1080', '1280x704', '12x'],
            fps: 24,
            clipLengthsSec: [5],
          },
          video_long: {
            kind: 'video',
            provider: 'embedded',
            model: 'animatic',
            firstFrameModel: 'x',
            acceptsFirstFrame: true,
          },
        },
      }),
    );
    expect(problems.sort()).toEqual([
      'MODELS_FILE video_cosmos.sizes.2: must be WIDTHxHEIGHT, e.g. 1280x704',
      'MODELS_FILE video_long: "firstFrameModel" only applies to nvidia-cosmos profiles',
    ]);
    const more = problemsOf(() =>
      withFile({
        profiles: {
          video_cosmos: {
            kind: 'video',
            provider: 'nvidia-cosmos',
            model: 'nvidia/cosmos-predict1-7b',
            firstFrameModel: 'nvidia/cosmos-predict1-7b-video2world',
            maxWidth: 1280,
            maxHeight: 704,
            sizes: ['1920x1080', '704x1280'],
            fps: 24,
            clipLengthsSec: [5],
          },
        },
      }),
    );
    expect(more.sort()).toEqual([
      'MODELS_FILE video_cosmos: "firstFrameModel" needs "acceptsFirstFrame": true',
      'MODELS_FILE video_cosmos: nvidia-cosmos needs NVIDIA_API_KEY',
      'MODELS_FILE video_cosmos: size 1920x1080 is outside maxWidth x maxHeight (1280x704)',
    ]);
  });

  it('lets the registry file replace a profile whole and add custom ones', () => {
    const registry = withFile(
      {
        $comment: 'test',
        profiles: {
          video_default: {
            kind: 'video',
            provider: 'vllm-omni',
            model: 'Wan-AI/Wan2.2-I2V-A14B-Diffusers',
            endpoints: ['http://gpu-9:8000'],
            fps: 16,
            maxFrames: 81,
            sampling: { steps: 40 },
            lora: { path: '/loras/brand.safetensors', scale: 0.8 },
          },
          video_promo: { kind: 'video', provider: 'embedded', model: 'animatic' },
        },
      },
      { defaultVideoProfile: 'video_promo' },
    );
    expect(registry.get('video_default')).toMatchObject({
      model: 'Wan-AI/Wan2.2-I2V-A14B-Diffusers',
      endpoints: ['http://gpu-9:8000'],
      sampling: { steps: 40, guidance: null, flowShift: null, seed: null },
      lora: { path: '/loras/brand.safetensors', scale: 0.8 },
      maxSlowdown: 1.5,
    });
    expect(registry.defaultVideo.name).toBe('video_promo');
    expect(registry.get('music_default').provider).toBe('embedded');
  });

  it('keeps the file ahead of what VLLM_OMNI_BASE_URL implies', () => {
    const registry = withFile(
      { profiles: { video_default: { kind: 'video', provider: 'embedded', model: 'animatic' } } },
      { vllmOmniBaseUrls: ['http://gpu-1:8091'] },
    );
    expect(registry.get('video_default').provider).toBe('embedded');
    expect(registry.get('image_default').provider).toBe('vllm-omni');
  });

  it('lists every bad entry at once', () => {
    const problems = problemsOf(() =>
      withFile(
        {
          profiles: {
            video_default: { kind: 'image', provider: 'embedded', model: 'x' },
            video_long: {
              kind: 'video',
              provider: 'replicate',
              model: 'someone/unknown',
              fps: 24,
              clipLengthsSec: [5],
            },
            image_hd: { kind: 'image', provider: 'vllm-omni', model: 'm', maxWidth: -5, colour: 'red' },
            music_default: { kind: 'music', provider: 'vllm-omni', model: 'm' },
            'Bad-Name': { kind: 'video', provider: 'embedded', model: 'animatic' },
          },
        },
        { defaultVideoProfile: 'video_nope' },
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Bad-Name: profile names are lowercase/),
        expect.stringMatching(/video_default must be a video profile/),
        expect.stringMatching(/video_long: replicate needs REPLICATE_API_TOKEN/),
        expect.stringMatching(/video_long: replicate model someone\/unknown is not one the adapters know/),
        expect.stringMatching(/image_hd\.maxWidth/),
        expect.stringMatching(/image_hd.*colour/),
        expect.stringMatching(/music_default: vllm-omni does not make music/),
        expect.stringMatching(/music_default: vllm-omni needs VLLM_OMNI_BASE_URL/),
        expect.stringMatching(/DEFAULT_VIDEO_PROFILE: no profile named video_nope/),
      ]),
    );
  });

  it('reports an unreadable or malformed file instead of starting without it', () => {
    expect(problemsOf(() => withFile('{ not json'))).toEqual([
      expect.stringMatching(/MODELS_FILE: \/models.json is not JSON/),
    ]);
    expect(
      problemsOf(() =>
        loadModelRegistry(config({ modelsFile: '/missing.json' }), {
          readFile: () => {
            throw new Error('ENOENT');
          },
        }),
      ),
    ).toEqual([expect.stringMatching(/cannot read \/missing.json/)]);
  });

  it('refuses a default video profile that is not video', () => {
    expect(problemsOf(() => loadModelRegistry(config({ defaultVideoProfile: 'music_default' })))).toEqual([
      expect.stringMatching(/music_default is a music profile/),
    ]);
  });
});

describe('examples/models.json', () => {
  it('loads as a documented registry with Replicate tokens and NVIDIA keys set', () => {
    const registry = loadModelRegistry(
      config({
        modelsFile: `${__dirname}/../../../../examples/models.json`,
        replicateTokens: ['r8_a'],
        nvidiaApiKeys: ['nvapi-a'],
      }),
    );
    expect(registry.get('video_cosmos')).toMatchObject({ provider: 'nvidia-cosmos', sizes: ['1280x704'] });
    expect(registry.get('video_default').model).toBe('Wan-AI/Wan2.2-TI2V-5B-Diffusers');
    expect(registry.get('video_brand').lora).toEqual({ path: '/models/loras/brand-look.safetensors', scale: 0.8 });
    expect(registry.get('music_default').provider).toBe('replicate');
  });
});
